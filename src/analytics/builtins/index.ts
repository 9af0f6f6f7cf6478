/**
 * The built-in analytics: no Python, no container. Adding one is a file (or folder) here exporting an
 * {@link Analytic} and one line in {@link BUILTINS}.
 */
import type { Analytic } from '../contract.ts';
import { deobfuscate } from './deobfuscate.ts';
import { geoip } from './geoip/geoip.ts';
import { ipmap } from './ipmap/ipmap.ts';
import { plot } from './plot/plot.ts';
import { sigma } from './sigma/sigma.ts';

export const BUILTINS: readonly Analytic[] = [deobfuscate, geoip, ipmap, plot, sigma];
