import { parse } from '@humanwhocodes/momoa';

/**
 * The path of the first object key that appears twice in a JSON text (`data.review.reviewResult`), or undefined.
 * `JSON.parse` keeps the last of two equal keys, so a signed body `{"answer": "GREEN", "answer": "RED"}` would
 * be read as RED although the vendor's own parser may read GREEN: such a body is ambiguous and is not read at all.
 * Parsed by momoa (an AST that keeps every member); walked without recursion. Key names only, never values.
 */
export function duplicateKeyPath(text: string): string | undefined {
  let root;
  try {
    root = parse(text).body;
  } catch {
    return undefined; // Not JSON: the body parser has refused it already.
  }
  const pending: { node: typeof root; path: string }[] = [{ node: root, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, path } = next;
    if (node.type === 'Object') {
      const seen = new Set<string>();
      for (const member of node.members) {
        const name = member.name.type === 'String' ? member.name.value : member.name.name;
        const at = path === '' ? name : `${path}.${name}`;
        if (seen.has(name)) return at;
        seen.add(name);
        pending.push({ node: member.value, path: at });
      }
    } else if (node.type === 'Array') {
      node.elements.forEach((element, index) => {
        pending.push({ node: element.value, path: `${path}.${String(index)}` });
      });
    }
  }
  return undefined;
}
