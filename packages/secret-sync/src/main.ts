#!/usr/bin/env node
import { runSecretSync } from './run-secret-sync.js';

process.exitCode = await runSecretSync(process.argv.slice(2));
