/**
 * The `local` connector: `stixshifter://NAME` profiles whose connector is `local` query the embedded ECS store
 * (`STIXSHIFTER_<NAME>_CONNECTOR=local`, `STIXSHIFTER_<NAME>_CONNECTION='{"path":"…","indices":"…"}'`, or the same
 * in the profiles YAML). Huntflows run on it unchanged.
 */
import { InputError } from '../../errors/index.ts';
import type { Connector } from '../types.ts';
import { localSettings } from './settings.ts';
import { LocalDataSource } from './source.ts';

export { LocalDataSource, localSelect } from './source.ts';
export { localSettings, type LocalSettings } from './settings.ts';

export const localConnector: Connector = {
  name: 'local',
  description: 'the embedded DuckDB store of ECS documents (peregrine ingest), queried like an Elastic index',
  open(uri, profile) {
    if (!profile) {
      throw new InputError('E_LOCAL_NO_PROFILE', `${uri}: the local connector needs a profile`, {
        hint: 'STIXSHIFTER_NAME_CONNECTOR=local and STIXSHIFTER_NAME_CONNECTION=\'{"path":"…","indices":"…"}\'',
      });
    }
    return new LocalDataSource(uri, localSettings(profile));
  },
};
