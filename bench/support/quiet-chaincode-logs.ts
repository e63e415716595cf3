// Imported first by the runner: fabric-contract-api logs every decorator of every contract at info level while
// journey.ts loads the contracts, which would bury the results. An explicit setting is kept.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'critical';
