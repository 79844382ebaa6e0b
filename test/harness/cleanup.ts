// Runs after each e2e test file (jest setupFilesAfterEnv): removes the run directories its runAction
// calls made. Without it a full `npm test` leaves gigabytes under the temp dir.
import { afterAll } from '@jest/globals';
import { removeRunDirs } from './runAction.js';

afterAll(() => removeRunDirs());
