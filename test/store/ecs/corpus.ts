/**
 * The ECS fixture corpus of the store tests and the store ↔ OpenSearch parity suite: the real-world documents of the
 * reference data (STIX-shifter's elastic_ecs result vectors, sf-processor's ECS exporter examples) plus synthetic
 * documents that exercise every shape Elastic accepts — arrays, dotted keys, numbers as strings, IPv6, Windows paths,
 * LIKE/regexp metacharacters — all inside [CORPUS_START, CORPUS_STOP).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STIX_SHIFTER_DATA, SYSFLOW_DATA } from '../../support/data.ts';

export const CORPUS_START = '2019-01-01T00:00:00Z';
export const CORPUS_STOP = '2025-01-01T00:00:00Z';

type Doc = Record<string, unknown>;

function referenceDocs(): Doc[] {
  const ss = JSON.parse(readFileSync(join(STIX_SHIFTER_DATA, 'elastic_ecs_results.json'), 'utf8')) as {
    entries: { input_ecs_doc: Doc }[];
    observed_bug_vectors: { input_ecs_docs: Doc[] }[];
  };
  const sf = JSON.parse(readFileSync(join(SYSFLOW_DATA, 'ecs_examples.json'), 'utf8')) as {
    documents: { _source: Doc }[];
  };
  return [
    ...ss.entries.map((e) => e.input_ecs_doc).filter((d) => typeof d['@timestamp'] === 'string'),
    ...ss.observed_bug_vectors.flatMap((v) => v.input_ecs_docs),
    ...sf.documents.map((d) => d._source),
  ];
}

const names = ['bash', 'sshd', 'curl', 'python3', 'nginx', 'cmd.exe', 'powershell.exe', 'node'];
const dirs = ['/usr/bin', '/bin', '/usr/sbin', '/usr/local/bin', 'C:\\Windows\\System32'];

function syntheticDocs(): Doc[] {
  const out: Doc[] = [];
  const t0 = Date.parse('2021-03-01T10:00:00.000Z');
  for (let i = 0; i < 48; i++) {
    const name = names[i % names.length];
    const dir = dirs[i % dirs.length];
    const sep = dir.includes('\\') ? '\\' : '/';
    const ts = new Date(t0 + i * 61_000 + (i % 7) * 137).toISOString();
    const d: Doc = {
      '@timestamp': ts,
      event: {
        kind: 'event',
        category: i % 3 === 0 ? ['process'] : i % 3 === 1 ? ['network'] : 'file',
        action: ['exec', 'connect', 'open'][i % 3],
      },
      host: { name: `host-${i % 4}`, ip: i % 5 === 0 ? ['10.1.0.5', 'fe80::1'] : `10.1.0.${i % 4}` },
      process: {
        pid: 1000 + i,
        name,
        executable: `${dir}${sep}${name}`,
        command_line: `${name} --run ${i % 2 ? "'x y'" : '50%_done'} #${i}`,
        args: [name, '--run', String(i)],
        parent: {
          pid: 1 + (i % 3),
          name: i % 2 ? 'bash' : 'systemd',
          executable: i % 2 ? '/bin/bash' : '/usr/lib/systemd/systemd',
        },
      },
      user: {
        name: ['root', 'alice', 'Bob', 'svc_web'][i % 4],
        id: String(i % 4 === 0 ? 0 : 1000 + (i % 4)),
      },
    };
    if (i % 3 === 1) {
      d.source = {
        ip: i % 6 === 1 ? `192.168.${i % 3}.${10 + i}` : `2001:db8::${i.toString(16)}`,
        port: 40000 + i,
      };
      d.destination = { ip: `10.0.${i % 2}.${i}`, port: [22, 80, 443, 8080][i % 4] };
      d.network = { transport: i % 2 ? 'tcp' : 'udp', type: i % 6 === 1 ? 'ipv4' : 'ipv6' };
    }
    if (i % 3 === 2)
      d.file = {
        path: `${dir}${sep}data${i}.log`,
        name: `data${i}.log`,
        size: i * 100,
        hash: { sha256: `${i.toString(16).padStart(64, 'a')}` },
      };
    if (i % 8 === 5) d.tags = ['mitre:T1059', 'suspicious'];
    out.push(d);
  }
  // shapes: dotted keys, numbers as strings, scalars where arrays are usual, a string that looks like an array
  out.push({
    '@timestamp': '2021-03-02T00:00:00Z',
    'process.name': 'dotted',
    'process.pid': 7001,
    'user.name': 'dot',
  });
  out.push({
    '@timestamp': '2021-03-02T00:00:01Z',
    process: { 'parent.name': 'halfdotted', pid: '7002', name: 'strpid' },
  });
  out.push({
    '@timestamp': '2021-03-02T00:00:02Z',
    process: { name: ['multi-a', 'multi-b'], pid: 7003 },
    tags: 'single-tag',
  });
  out.push({
    '@timestamp': '2021-03-02T00:00:03Z',
    process: { name: '[bracketed]', pid: 7004, command_line: 'C:\\Temp\\a.exe /q' },
  });
  out.push({
    '@timestamp': '2021-03-02T00:00:04Z',
    destination: { ip: '172.16.5.4', port: '8443' },
    source: { ip: '172.16.9.9', port: 5353 },
    network: { transport: 'udp' },
  });
  // arrays of objects, which Elastic flattens into multi-valued fields
  out.push({
    '@timestamp': '2021-03-02T00:00:05Z',
    dns: {
      question: { name: 'example.org' },
      answers: [
        { data: '93.184.216.34', type: 'A' },
        { data: 'edge.example.net', type: 'CNAME' },
      ],
    },
    email: { attachments: [{ file: { name: 'invoice.pdf.exe' } }, { file: { name: 'notes.txt' } }] },
  });
  return out;
}

/** Every document of the corpus, in a fixed order. */
export function corpus(): Doc[] {
  return [...referenceDocs(), ...syntheticDocs()];
}

/** The corpus as NDJSON text. */
export function corpusNdjson(): string {
  return (
    corpus()
      .map((d) => JSON.stringify(d))
      .join('\n') + '\n'
  );
}
