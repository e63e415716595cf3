import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './me.js';
import './queries/agreements.js';
import './queries/analytics.js';
import './queries/bars.js';
import './queries/clubs.js';
import './queries/governance.js';
import './queries/introductions.js';
import './queries/members.js';
import './queries/settlement.js';
import './queries/transactions.js';
import './queries/visits.js';
import './ledger-truth.js';
import './mutations/agreements.js';
import './mutations/bars-and-introductions.js';
import './mutations/clubs.js';
import './mutations/governance.js';
import './mutations/members.js';
import './mutations/visits.js';
import './subscriptions.js';

/** The API's schema: every module registers its types and fields on the builder when imported above. */
export function buildSchema(): GraphQLSchema {
    return builder.toSchema({ sortSchema: true });
}
