#!/usr/bin/env node
import { keepHeapNearLiveSet } from './small-heap.js';

keepHeapNearLiveSet();
const { secretSyncMain } = await import('./command.js');
process.exitCode = await secretSyncMain(process.argv.slice(2));
