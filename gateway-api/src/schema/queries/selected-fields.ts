import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/** The fields the selection sets ask for, their fragments' included; `@skip` and `@include` are not weighed (more is safe). */
function fieldsOf(selectionSets: readonly (SelectionSetNode | undefined)[], info: GraphQLResolveInfo): FieldNode[] {
    const fields: FieldNode[] = [];
    const collect = (selectionSet: SelectionSetNode | undefined): void => {
        for (const selection of selectionSet?.selections ?? []) {
            if (selection.kind === Kind.FIELD) {
                fields.push(selection);
            } else if (selection.kind === Kind.INLINE_FRAGMENT) {
                collect(selection.selectionSet);
            } else {
                collect(info.fragments[selection.name.value]?.selectionSet);
            }
        }
    };
    selectionSets.forEach(collect);
    return fields;
}

/** The fields a connection's query selects on its nodes (`edges { node { … } }`), by name; meta fields such as `__typename` aside. */
export function selectedNodeFields(info: GraphQLResolveInfo): ReadonlySet<string> {
    const named = (fields: readonly FieldNode[], name: string) => fields.filter((field) => field.name.value === name).map((field) => field.selectionSet);
    const edges = named(fieldsOf(info.fieldNodes.map((field) => field.selectionSet), info), 'edges');
    const nodes = named(fieldsOf(edges, info), 'node');
    return new Set(fieldsOf(nodes, info).map((field) => field.name.value).filter((name) => !name.startsWith('__')));
}
