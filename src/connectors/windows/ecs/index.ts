/** Windows events → ECS documents, by a map kept as data (`data/windows-ecs.json`, validated at load). */
export {
  WINDOWS_ECS_MAP_PATH,
  compileWindowsEcs,
  parseWindowsEcsMap,
  windowsEcsMap,
  windowsToEcs,
  type Conversion,
  type WindowsToEcs,
} from './convert.ts';
export { ECS_CATEGORIES, ECS_TYPES, WindowsEcsMapSchema, type WindowsEcsMap } from './schema.ts';
export { splitCommandLine, TRANSFORMS, type TransformName } from './transforms.ts';
