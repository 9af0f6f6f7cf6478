/**
 * Observations: the one shape of data the hunt works on, whatever the source speaks. A data source yields STIX 2.0
 * observed-data; the matcher tests them, the mapping builds them from ECS documents, the hunt cache stores them.
 */

/** A STIX cyber-observable inside an observation; `*_ref(s)` hold keys of the same `objects` map. */
export interface StixObject {
  type: string;
  [attr: string]: unknown;
}

/** STIX 2.0 observed-data. STIX 2.1 SCO graphs are converted into this form by the reader that meets them. */
export interface Observation {
  id: string;
  first_observed: string;
  last_observed: string;
  number_observed: number;
  objects: Record<string, StixObject>;
}

/** The time of an observation whose source gives none: 1970-01-01T00:00:00Z (shown as such, never guessed). */
export const NO_TIME = '1970-01-01T00:00:00.000Z';
