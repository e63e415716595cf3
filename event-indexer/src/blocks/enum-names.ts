/**
 * Names the values of a protobuf enum, so a code the installed fabric-protos does not know yet
 * still gets a readable, stable name instead of failing the block.
 */
export function enumNames<Name extends string>(values: Readonly<Record<Name, number>>, unknownPrefix: string): (code: number) => string {
    const names = new Map<number, string>(Object.entries<number>(values).map(([name, code]) => [code, name]));
    return (code) => names.get(code) ?? `${unknownPrefix}_${code}`;
}
