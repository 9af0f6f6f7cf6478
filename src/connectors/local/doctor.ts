/**
 * `peregrine doctor` checks for `local` profiles (the embedded store): the profile parses; its store file exists and
 * opens as a Peregrine store; its index pattern matches indices that hold documents.
 */
import { existsSync } from 'node:fs';
import type { DoctorCheck, DoctorFinding, DoctorOptions } from '../../common/index.ts';
import { isPeregrineError } from '../../errors/index.ts';
import { openStore } from '../../store/ecs/index.ts';
import { doctorProfiles } from '../elastic/doctor.ts';
import type { SourceProfile } from '../types.ts';
import { localSettings, type LocalSettings } from './settings.ts';

function failure(check: string, e: unknown, hint?: string): DoctorFinding {
  if (isPeregrineError(e))
    return { check, status: 'fail', detail: `${e.message} [${e.code}]`, hint: hint ?? e.hint };
  return { check, status: 'fail', detail: String((e as Error)?.message ?? e), ...(hint ? { hint } : {}) };
}

async function checkProfile(profile: SourceProfile): Promise<DoctorFinding[]> {
  const name = `stixshifter://${profile.name}`;
  let settings: LocalSettings;
  try {
    settings = localSettings(profile);
  } catch (e) {
    return [failure(`${name} profile`, e)];
  }
  const out: DoctorFinding[] = [
    {
      check: `${name} profile`,
      status: 'ok',
      detail: `embedded store ${settings.path}, indices ${settings.indices} (from ${profile.origin})`,
    },
  ];
  if (!existsSync(settings.path)) {
    out.push({
      check: `${name} store`,
      status: 'fail',
      detail: `the store file ${settings.path} does not exist`,
      hint: `ingest into it first (peregrine ingest FILE --index NAME --store ${settings.path}) or fix "path" in the profile`,
    });
    return out;
  }
  let store;
  try {
    store = await openStore(settings.path, { mode: 'read' });
  } catch (e) {
    out.push(failure(`${name} store`, e));
    return out;
  }
  try {
    const all = await store.indices();
    out.push({ check: `${name} store`, status: 'ok', detail: `${settings.path} opens: ${all.length} index(es)` });
    const names = new Set(await store.resolve(settings.indices));
    const hit = all.filter((i) => names.has(i.name));
    const docs = hit.reduce((n, i) => n + i.docs, 0);
    out.push(
      hit.length === 0
        ? {
            check: `${name} indices`,
            status: 'fail',
            detail: `"${settings.indices}" matches no index of the store`,
            hint: `the store holds ${all.map((i) => i.name).join(', ') || 'no index'}; check "indices" in the profile`,
          }
        : { check: `${name} indices`, status: 'ok', detail: `"${settings.indices}": ${hit.length} index(es), ${docs} documents` },
    );
  } catch (e) {
    out.push(failure(`${name} indices`, e));
  } finally {
    await store.close();
  }
  return out;
}

export const localProfilesCheck: DoctorCheck = {
  name: 'local data sources',
  async run(options: DoctorOptions): Promise<DoctorFinding[]> {
    // unreadable profiles are reported once, by the elastic_ecs group
    const { profiles } = doctorProfiles(options);
    const out: DoctorFinding[] = [];
    for (const p of profiles.filter((x) => x.connector === 'local')) out.push(...(await checkProfile(p)));
    return out;
  },
};
