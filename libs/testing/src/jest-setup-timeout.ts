// Integration tests start real services and wait on Kafka; a minute is the ceiling, not the norm.
jest.setTimeout(60_000);
