// Runs every project's tests; `npx jest --selectProjects catalog` narrows it to one.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/bench/jest.config.js',
  ],
  // A worker that has grown past this after a test file is replaced by a fresh one: what a file's
  // Nest apps, Kafka clients and loaded modules leave behind would otherwise add up over the ~70
  // files each of the two workers runs.
  workerIdleMemoryLimit: '1536MB',
};
