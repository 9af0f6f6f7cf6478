/** The syntax of each command, for Jupyter's inspect, the REPL and the hints of syntax errors. */
import type { COMMANDS } from './vocabulary.ts';

/** One-line syntax of each command, as Kestrel 1.x documents it. */
export const COMMAND_SYNOPSIS: Readonly<Record<(typeof COMMANDS)[number], string>> = {
  GET: "x = GET <entity-type> [FROM <source|variable>] WHERE <pattern> [START t'…' STOP t'…' | LAST n DAYS|HOURS|MINUTES|SECONDS] [LIMIT n]\n  Fetch entities of a type from a data source (or filter a variable).",
  FIND: 'y = FIND <entity-type> <RELATION> [BY] x [WHERE …] [START … STOP …] [LIMIT n] [DEPTH n|*]\n  Entities related to those in x (CREATED, ACCEPTED, CONTAINED, LOADED, OWNED, LINKED); DEPTH follows the relation again from what it found (n hops, * until nothing new).\n  y = FIND process|network-traffic PEER OF conns FROM source [WITHIN n unit] [NAT]: the other end of each connection on another host.',
  GROUP:
    'y = GROUP x BY attr[, BIN(attr, n unit)] [WITH MIN|MAX|SUM|AVG|COUNT|NUNIQUE(attr) [AS name], …]\n  Aggregate the entities of x.',
  JOIN: 'z = JOIN x, y [BY attr_x, attr_y]\n  Entities of x whose attribute matches an entity of y.',
  SORT: 'y = SORT x BY attr [ASC|DESC]\n  Order the entities of x (DESC by default).',
  LOAD: 'x = LOAD <path.csv|.json|.parquet> [AS <entity-type>]\n  Entities from a local file.',
  SAVE: 'SAVE x TO <path.csv|.json|.parquet>\n  Write the entities of x to a file.',
  NEW: "x = NEW [<entity-type>] ['a', 'b'] | [{…}, …]\n  Entities written inline.",
  APPLY:
    'APPLY <analytics-uri> ON x[, y] [WITH k=v, …]\n  Run an analytics over variables, enriching their entities.',
  DISP: 'DISP x [ATTR a, b, …] [WHERE …] [SORT BY a [ASC|DESC]] [LIMIT n] [OFFSET n]\n  Show the entities of x as a table.',
  INFO: 'INFO x\n  Type, counts, attributes and time range of x.',
  DESCRIBE: 'DESCRIBE x.attr\n  Statistics of one attribute of x (count, unique, top, …).',
  EXPLAIN: 'EXPLAIN x\n  How x was computed: the data sources and the native queries sent.',
};
