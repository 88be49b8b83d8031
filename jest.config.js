// Runs every project's tests; `npx jest --selectProjects catalog` narrows it to one.
module.exports = {
  projects: [
    '<rootDir>/apps/*/jest.config.js',
    '<rootDir>/libs/*/jest.config.js',
    '<rootDir>/bench/jest.config.js',
  ],
};
