import { createToken, Lexer } from 'chevrotain';
test('chevrotain loads', () => {
  const A = createToken({ name: 'A', pattern: /a/ });
  expect(new Lexer([A]).tokenize('aa').tokens).toHaveLength(2);
});
