module.exports = { ...require('../../jest.preset'), displayName: 'event-sourcing', rootDir: __dirname };
