/**
 * `peregrine doctor` checks for elastic_ecs profiles: the profile parses; the host answers (refused / unknown host /
 * TLS / timeout named apart); the credentials are accepted (401 = wrong credentials, 403 = missing privileges);
 * each index expression matches an index; the mapped ECS fields (and `@timestamp`) exist in the mappings.
 */
import type { DoctorCheck, DoctorFinding, DoctorOptions } from '../../common/index.ts';
import { isPeregrineError } from '../../errors/index.ts';
import { stixEcsMap } from '../../mapping/index.ts';
import { listProfilesChecked, resolveStixShifterProfile } from '../profiles/index.ts';
import type { SourceProfile } from '../types.ts';
import { ElasticClient } from './client.ts';
import { elasticSettings, type ElasticSettings } from './settings.ts';

function failure(check: string, e: unknown): DoctorFinding {
  if (isPeregrineError(e)) return { check, status: 'fail', detail: `${e.message} [${e.code}]`, hint: e.hint };
  return { check, status: 'fail', detail: String((e as Error)?.message ?? e) };
}

/** Every ECS field the map can query (for the "mapped fields present" check). */
function mappedFields(): Set<string> {
  const out = new Set<string>();
  for (const fs of Object.values(stixEcsMap().query))
    for (const f of fs) out.add(typeof f === 'string' ? f : f.field);
  return out;
}

/**
 * The profiles `doctor` checks (all, or the one `-p` names) and a failure for each that cannot be read — one broken
 * profile does not stop the others being checked. Shared by the check groups of every connector.
 */
export function doctorProfiles(options: DoctorOptions): { profiles: SourceProfile[]; findings: DoctorFinding[] } {
  if (options.profile) {
    try {
      return { profiles: [resolveStixShifterProfile(options.profile)], findings: [] };
    } catch (e) {
      return { profiles: [], findings: [failure(`stixshifter://${options.profile} profile`, e)] };
    }
  }
  const { profiles, problems } = listProfilesChecked();
  return { profiles, findings: problems.map((p) => failure(`stixshifter://${p.name} profile`, p.error)) };
}

async function checkProfile(profile: SourceProfile): Promise<DoctorFinding[]> {
  const name = `stixshifter://${profile.name}`;
  const out: DoctorFinding[] = [];
  let settings: ElasticSettings;
  try {
    settings = elasticSettings(profile);
  } catch (e) {
    return [failure(`${name} profile`, e)];
  }
  out.push({
    check: `${name} profile`,
    status: 'ok',
    detail: `${settings.node}, indices ${settings.indices.join(',')}, auth ${settings.auth.kind} (from ${profile.origin})`,
  });
  const c = new ElasticClient({ ...settings, retries: 0, timeoutMs: Math.min(settings.timeoutMs, 10_000) });
  try {
    // reachability + auth: any authenticated endpoint; 401 says the credentials are wrong
    try {
      const r = await c.request(
        { method: 'GET', path: '/_cluster/health' },
        { what: 'checking reachability', ignore: [403] },
      );
      out.push({ check: `${name} reachable`, status: 'ok', detail: `${settings.hostLabel} answers` });
      if (r.statusCode === 403) {
        out.push({
          check: `${name} auth`,
          status: 'ok',
          detail: 'credentials accepted (no cluster-monitor privilege, which is fine)',
        });
      } else {
        const status = (r.body as { status?: string })?.status;
        out.push({
          check: `${name} auth`,
          status: 'ok',
          detail: settings.auth.kind === 'none' ? 'no credentials needed' : 'credentials accepted',
        });
        if (status === 'red')
          out.push({
            check: `${name} health`,
            status: 'warn',
            detail: 'cluster health is red: some shards are unassigned, searches may be partial',
          });
      }
    } catch (e) {
      const code = isPeregrineError(e) ? e.code : '';
      if (code === 'E_ELASTIC_AUTH' || code === 'E_ELASTIC_FORBIDDEN') {
        out.push({ check: `${name} reachable`, status: 'ok', detail: `${settings.hostLabel} answers` });
        out.push(failure(`${name} auth`, e));
      } else {
        out.push(failure(`${name} reachable`, e));
        out.push({ check: `${name} auth`, status: 'skip', detail: 'host not reachable' });
      }
      out.push({ check: `${name} indices`, status: 'skip', detail: 'not checked' });
      return out;
    }
    // indices: a concrete name must exist; a pattern must match something
    let allFound = true;
    for (const expr of settings.indices) {
      try {
        const r = await c.request(
          {
            method: 'GET',
            path: `/_cat/indices/${encodeURIComponent(expr).replace(/%2A/g, '*')}`,
            querystring: { format: 'json', h: 'index,docs.count' },
          },
          { what: `looking up index ${expr}`, ignore: [404] },
        );
        const rows = Array.isArray(r.body) ? (r.body as Array<{ index: string; 'docs.count'?: string }>) : [];
        if (r.statusCode === 404 || rows.length === 0) {
          allFound = false;
          out.push({
            check: `${name} indices`,
            status: 'fail',
            detail: expr.includes('*')
              ? `index pattern "${expr}" matches no index`
              : `index "${expr}" does not exist`,
            hint: `check "indices" in STIXSHIFTER_${profile.name.toUpperCase()}_CONNECTION`,
          });
        } else {
          const docs = rows.reduce((n, x) => n + Number(x['docs.count'] ?? 0), 0);
          out.push({
            check: `${name} indices`,
            status: 'ok',
            detail: `"${expr}": ${rows.length} index(es), ${docs} documents`,
          });
        }
      } catch (e) {
        allFound = false;
        out.push(failure(`${name} indices`, e));
      }
    }
    if (!allFound) return out;
    // mapped ECS fields present in the mappings
    try {
      const r = await c.request(
        {
          method: 'GET',
          path: `/${settings.indices.map((i) => encodeURIComponent(i).replace(/%2A/g, '*')).join(',')}/_field_caps`,
          querystring: { fields: '*' },
        },
        { what: 'reading the field mappings' },
      );
      const present = new Set(Object.keys((r.body as { fields?: object }).fields ?? {}));
      const mapped = mappedFields();
      const found = [...mapped].filter((f) => present.has(f));
      const ts = stixEcsMap().timestamp;
      if (!present.has(ts)) {
        out.push({
          check: `${name} fields`,
          status: 'fail',
          detail: `no "${ts}" field in the mappings`,
          hint: 'the indices must hold ECS documents with @timestamp (time ranges and paging rely on it)',
        });
      } else if (found.length === 0) {
        out.push({
          check: `${name} fields`,
          status: 'fail',
          detail: 'none of the mapped ECS fields exists in the mappings',
          hint: 'the indices do not look like ECS data',
        });
      } else {
        const key = [
          'process.pid',
          'process.name',
          'source.ip',
          'destination.ip',
          'file.path',
          'user.name',
          'host.name',
        ];
        const missingKey = key.filter((f) => !present.has(f));
        out.push({
          check: `${name} fields`,
          status: 'ok',
          detail: `${found.length} of ${mapped.size} mapped ECS fields present${missingKey.length ? `; absent: ${missingKey.join(', ')}` : ''}`,
        });
      }
    } catch (e) {
      out.push(failure(`${name} fields`, e));
    }
    return out;
  } finally {
    await c.close();
  }
}

export const elasticProfilesCheck: DoctorCheck = {
  name: 'elastic_ecs data sources',
  async run(options: DoctorOptions): Promise<DoctorFinding[]> {
    const { profiles: all, findings: out } = doctorProfiles(options);
    const profiles = all.filter((p) => p.connector === 'elastic_ecs');
    // a profile of another connector (local) is checked by its own group; say "none" only when there is nothing
    if (profiles.length === 0 && all.length === 0 && out.length === 0) {
      return [
        {
          check: 'stixshifter profiles',
          status: 'skip',
          detail: 'no data source profile configured (STIXSHIFTER_<NAME>_CONNECTION or stixshifter.yaml)',
        },
      ];
    }
    for (const p of profiles) out.push(...(await checkProfile(p)));
    return out;
  },
};
