// Finds the first field where two JSON values differ, so a parity failure names what differs, not just that
// something does.
export interface Difference {
  readonly path: string;
  readonly left: unknown;
  readonly right: unknown;
}

export function firstDifference(left: unknown, right: unknown, path = ''): Difference | null {
  if (Object.is(left, right)) return null;
  const bothObjects = typeof left === 'object' && left !== null && typeof right === 'object' && right !== null;
  if (!bothObjects || Array.isArray(left) !== Array.isArray(right)) return { path: path || '(value)', left, right };
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let index = 0; index < Math.max(left.length, right.length); index++) {
      const difference = firstDifference(left[index], right[index], `${path}[${index}]`);
      if (difference) return difference;
    }
    return null;
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(leftRecord), ...Object.keys(rightRecord)])].sort();
  for (const key of keys) {
    const difference = firstDifference(leftRecord[key], rightRecord[key], path ? `${path}.${key}` : key);
    if (difference) return difference;
  }
  return null;
}

export function describeDifference(label: string, difference: Difference, leftName: string, rightName: string): string {
  return `${label}: ${difference.path} is ${JSON.stringify(difference.left)} in ${leftName} but ${JSON.stringify(difference.right)} in ${rightName}`;
}
