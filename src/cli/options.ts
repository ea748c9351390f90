// Option parsers shared by the commands.
import { InvalidArgumentError } from 'commander';

export function wholeNumber(name: string, min: number, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, not "${v}"`);
    return n;
  };
}
