import { BlockList, isIP } from 'node:net';

/**
 * The addresses allowed to scrape without a key: a comma-separated list of addresses and
 * CIDR ranges (`127.0.0.1,::1,10.0.0.0/8`). Empty: nobody, every scrape needs a key.
 * An IPv4 caller seen as `::ffff:a.b.c.d` is matched as a.b.c.d.
 */
export function parseAllowList(list: string): (ip: string) => boolean {
  const allowed = new BlockList();
  let any = false;
  for (const entry of list.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`METRICS_ALLOW_FROM: '${entry}' is not an address or CIDR range`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) allowed.addAddress(address, type);
    else {
      const prefix = Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`METRICS_ALLOW_FROM: bad prefix in '${entry}'`);
      allowed.addSubnet(address, prefix, type);
    }
    any = true;
  }
  if (!any) return () => false;
  return (ip) => {
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
    const address = v4 ?? ip;
    const family = isIP(address);
    return family !== 0 && allowed.check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
}
