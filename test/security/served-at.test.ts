import { describe, expect, it } from 'vitest';
import { publicUrl, servedAtFor } from '../../src/server/http/host-guard';

describe('the names and origins a server answers', () => {
  it('are its bound address at its port, as browsers send them', () => {
    const loopback = servedAtFor('127.0.0.1', 8080);
    expect([...loopback.hosts]).toEqual(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']);
    expect([...loopback.origins]).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']);
    // Port 80 is left out of Host and Origin by a browser, and so here.
    expect(servedAtFor('::1', 80).hosts).toEqual(new Set(['127.0.0.1', 'localhost', '[::1]']));
    expect([...servedAtFor('10.0.0.11', 8080).hosts]).toEqual(['10.0.0.11:8080']);
  });

  it('and each public URL it is reached at through a balancer, its scheme included', () => {
    const served = servedAtFor('0.0.0.0', 8080, ['https://Frontdesk.Example.com', 'https://other.example:8443/']);
    // Every address of the machine is no name of it: only the public URLs are answered.
    expect(served.hosts).toEqual(new Set(['frontdesk.example.com', 'other.example:8443']));
    expect(served.origins).toEqual(new Set(['https://frontdesk.example.com', 'https://other.example:8443']));
    for (const everywhere of ['::', '[::]', '0:0:0:0:0:0:0:0']) {
      expect(servedAtFor(everywhere, 8080).hosts.size).toBe(0);
    }
  });

  it.each([
    ['frontdesk.example.com', 'is not a URL'],
    ['ftp://frontdesk.example.com', 'http or https'],
    ['https://user:secret@frontdesk.example.com', 'without a user name'],
    ['https://frontdesk.example.com/desk', 'leave out the path'],
    ['https://frontdesk.example.com/?a=1', 'leave out the path'],
  ])('refuses %s as a public URL', (text, why) => {
    expect(() => publicUrl(text)).toThrow(why);
  });
});
