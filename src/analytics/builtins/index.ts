/**
 * The built-in analytics: no Python, no container. Adding one is a file in this folder exporting an
 * {@link Analytic} and one line in {@link BUILTINS}.
 */
import type { Analytic } from '../contract.ts';
import { deobfuscate } from './deobfuscate.ts';

export const BUILTINS: readonly Analytic[] = [deobfuscate];
