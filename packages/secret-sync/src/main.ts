#!/usr/bin/env node
import { secretSyncMain } from './command.js';

process.exitCode = await secretSyncMain(process.argv.slice(2));
