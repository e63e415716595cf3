import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT, testNetwork } from '../support/network';

const STATE_DIR = path.join(ROOT, '.network');

/** The network's port blocks (README "The local network"): the orderer org's, each club's, PostgreSQL and NATS. */
function isNetworkPort(port: number): boolean {
    return [17050, 17150, 17250, 17350].some((base) => port >= base && port < base + 10) || [17422, 17432, 17822].includes(port);
}

function listeningNetworkPorts(): number[] {
    return execFileSync('ss', ['-Hltn'], { encoding: 'utf8' })
        .split('\n')
        .map((line) => Number(line.split(/\s+/)[3]?.split(':').pop()))
        .filter((port) => isNetworkPort(port));
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/** Runs last: takes the whole network down and checks that nothing of it is left. */
describe('./test-network.sh down --clean', function () {
    this.timeout(120_000);

    it('leaves no process, no listener and no state behind', async () => {
        const pidDir = path.join(STATE_DIR, 'pids');
        const pids = readdirSync(pidDir).map((file) => Number(readFileSync(path.join(pidDir, file), 'utf8').trim()));
        expect(pids.length).to.be.greaterThan(15);
        expect(listeningNetworkPorts().length).to.be.greaterThan(15);

        await testNetwork('down', '--clean');

        expect(pids.filter(alive)).to.deep.equal([]);
        expect(listeningNetworkPorts()).to.deep.equal([]);
        expect(existsSync(STATE_DIR)).to.equal(false);
    });
});
