// json-logic-js ships no types; only the two calls the bench makes.
declare module 'json-logic-js' {
  const jsonLogic: {
    apply(logic: unknown, data?: unknown): unknown;
    add_operation(name: string, operation: (...args: never[]) => unknown): void;
  };
  export default jsonLogic;
}
