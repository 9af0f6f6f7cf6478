/**
 * MITRE ATT&CK technique names for TTP tags (`mitre:T1059` → "Command and Scripting Interpreter"), from the v18
 * technique table shipped in `data/attack/` (MITRE's terms in `data/attack/LICENSE.txt`). Loaded once, on first use.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TABLE_PATH = fileURLToPath(new URL('../../../../data/attack/enterprise-attack-techniques.tsv', import.meta.url));

export interface Technique {
  readonly id: string;
  readonly name: string;
  readonly tactics: readonly string[];
  readonly deprecated: boolean;
  readonly revoked: boolean;
}

let table: Map<string, Technique> | undefined;

function load(): Map<string, Technique> {
  const m = new Map<string, Technique>();
  const rows = readFileSync(TABLE_PATH, 'utf8').split('\n');
  const head = rows[0].split('\t');
  const col = (n: string): number => head.indexOf(n);
  const [iId, iName, iTac, iDep, iRev] = ['id', 'name', 'tactics', 'deprecated', 'revoked'].map(col);
  for (const row of rows.slice(1)) {
    if (row.trim() === '') continue;
    const f = row.split('\t');
    m.set(f[iId], {
      id: f[iId],
      name: f[iName],
      tactics: f[iTac] ? f[iTac].split(',') : [],
      deprecated: f[iDep] === 'True',
      revoked: f[iRev] === 'True',
    });
  }
  return m;
}

/** The technique with this id (`T1059`, `T1059.004`), or undefined. */
export function technique(id: string): Technique | undefined {
  table ??= load();
  return table.get(id.toUpperCase());
}

/** The technique's name, or undefined when the id is not in ATT&CK v18. */
export function techniqueName(id: string): string | undefined {
  return technique(id)?.name;
}

/** The technique id a rule tag names (`mitre:T1059.004`, Falco's bare `T1059`, Sigma's `attack.t1059`), or undefined. */
export function techniqueIdOfTag(tag: string): string | undefined {
  const m = /^(?:mitre[:_]|attack\.)?(T\d{4}(?:\.\d{3})?)$/i.exec(tag.trim());
  return m ? m[1].toUpperCase() : undefined;
}
