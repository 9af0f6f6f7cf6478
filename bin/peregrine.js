#!/usr/bin/env node
// Entry point of the `peregrine` command. The sources are TypeScript run through tsx's loader,
// so `npm install` is the only step a user needs.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
