/** The chaincode server's setting that says whether its peer can purge private data (Fabric ≥ 2.5). */
export const PURGE_PRIVATE_DATA_SETTING = 'RCN_PURGE_PRIVATE_DATA';

/**
 * Whether to call purgePrivateData: true unless the setting is `false`. A Fabric 2.1 peer closes the chaincode
 * stream on that call, so its chaincode servers run with `RCN_PURGE_PRIVATE_DATA=false`. Any other value is
 * refused when the contracts load, so a typo cannot silently turn purging off.
 */
export function purgesPrivateData(environment: NodeJS.ProcessEnv = process.env): boolean {
    const setting = environment[PURGE_PRIVATE_DATA_SETTING];
    if (setting === undefined || setting === '' || setting === 'true') {
        return true;
    }
    if (setting === 'false') {
        return false;
    }
    throw new Error(`${PURGE_PRIVATE_DATA_SETTING} must be true or false, not ${setting}`);
}
