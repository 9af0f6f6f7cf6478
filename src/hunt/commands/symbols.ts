/**
 * The symbol table: what each variable of a session is. A variable is either a set of records in the cache
 * (`records`: GET, FIND, SORT, merge, filters, LOAD, NEW) or a derived table (`table`: GROUP, JOIN results).
 * The hunt session owns the one table (house rule 12); commands read and define variables through their context.
 */
import type { IrStatement } from '../ir/types.ts';

export interface VariableEntry {
  readonly name: string;
  readonly type: string;
  /** Variable id in the cache's `member` table (records) or the `vt_<vid>` table name suffix (table). */
  readonly vid: number;
  readonly storage: 'records' | 'table';
  /** Each record is its own entity (TIMESTAMPED copies): entities = records, display one row per record. */
  readonly perRecord?: boolean;
  /** Attributes to display by default (from `ATTR` of a filter assignment). */
  readonly displayAttrs?: readonly string[];
  /** The data source the variable's records came from (for FIND prefetch and GET without FROM). */
  readonly source?: string;
  /** The statement that defined it, and the plan that ran it (for INFO and EXPLAIN). */
  readonly birth: IrStatement;
  readonly explain: readonly string[];
  readonly timeMs: number;
  /** Column names of a `table` variable. */
  readonly columns?: readonly string[];
  /** The vid of a variable holding exactly the same records (SORT reorders them): its counts are this one's. */
  readonly sameRecordsAs?: number;
}

export class SymbolTable {
  private readonly vars = new Map<string, VariableEntry>();

  get(name: string): VariableEntry | undefined {
    return this.vars.get(name);
  }

  set(entry: VariableEntry): void {
    this.vars.delete(entry.name);
    this.vars.set(entry.name, entry);
  }

  entries(): VariableEntry[] {
    return [...this.vars.values()];
  }

  types(): Map<string, string> {
    return new Map([...this.vars.values()].map((v) => [v.name, v.type]));
  }
}
