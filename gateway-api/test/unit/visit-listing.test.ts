import { expect } from 'chai';
import { GraphQLObjectType } from 'graphql';
import { buildSchema } from '../../src/schema/index.js';
import { VISIT_FIELDS } from '../../src/schema/queries/visit-listing.js';

describe('a page of visits', () => {
    it('knows the column of every field of the Visit type, and of no other', () => {
        const visit = buildSchema().getType('Visit');
        expect(visit).to.be.instanceOf(GraphQLObjectType);
        expect([...VISIT_FIELDS.keys()].sort()).to.deep.equal(Object.keys((visit as GraphQLObjectType).getFields()).sort());
    });
});
