/**
 * Test helpers for end-to-end suites that run the built API and gateway as their own processes on
 * a cloned database (jest's global set-up provides it), drive them as people would, and stop what
 * they start.
 */
export * from './stack';
export * from './world';
export * from './browser';
