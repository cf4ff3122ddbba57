import { describe, expect, it } from 'vitest';
import { bodyTextProblem, jsonTextProblem, urlTextProblem } from '../src/http/invalid-characters.ts';

const json = (text: string) => [text, JSON.parse(text)] as const;

describe('the request-text rule', () => {
  it.each([
    ['/x?q=%ED%A0%80', 'a lone surrogate in a query string'],
    ['/x/%ED%B0%80', 'a lone low surrogate in a path'],
    ['/x?q=%FF', 'a byte that starts no UTF-8 character'],
    ['/x?q=%C3', 'a UTF-8 sequence cut short'],
    ['/x?q=a%00b', 'a NUL'],
  ])('refuses the URL %s (%s)', (url) => {
    expect(urlTextProblem(url)).toBeDefined();
  });

  it.each([
    ['/x?q=%F0%9F%98%80', 'an emoji'],
    ['/x/caf%C3%A9', 'an accented letter'],
    ['/x?q=100%25', 'an escaped percent sign'],
    ['/x?q=%zz', 'a malformed escape (the router and parser keep it as text)'],
    ['/x?q=plain', 'no escapes'],
  ])('lets the URL %s through (%s)', (url) => {
    expect(urlTextProblem(url)).toBeUndefined();
  });

  it('refuses JSON whose escapes spell a lone surrogate, in a value or a key, and keeps pairs', () => {
    expect(jsonTextProblem(...json('{"reason":"r\\ud800"}'))).toMatch(/surrogate/);
    expect(jsonTextProblem(...json('{"reason":"\\udc00r"}'))).toMatch(/surrogate/);
    expect(jsonTextProblem(...json('{"m":{"k\\ud800":[1]}}'))).toMatch(/surrogate/);
    expect(jsonTextProblem(...json('{"a":["x",{"b":"\\ud83d"}]}'))).toMatch(/surrogate/);
    expect(jsonTextProblem(...json('{"note":"\\ud83d\\ude00"}'))).toBeUndefined();
    // A backslash followed by the text "ud800" is not an escape.
    expect(jsonTextProblem(...json('{"path":"C:\\\\ud800"}'))).toBeUndefined();
  });

  it('refuses an escaped NUL but not an escaped backslash before the text u0000', () => {
    expect(jsonTextProblem(...json('{"a":"x\\u0000"}'))).toMatch(/NUL/);
    expect(jsonTextProblem(...json('{"a":"C:\\\\u0000"}'))).toBeUndefined();
  });

  it('refuses body bytes that are not UTF-8 (a surrogate encoded as if it were a character) or hold a NUL', () => {
    expect(bodyTextProblem(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]))).toMatch(/UTF-8/);
    expect(bodyTextProblem(Buffer.from([0x61, 0xff]))).toMatch(/UTF-8/);
    expect(bodyTextProblem(Buffer.from('a\u0000b'))).toMatch(/NUL/);
    expect(bodyTextProblem(Buffer.from('naïve 😀'))).toBeUndefined();
  });
});
