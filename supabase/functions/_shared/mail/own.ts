import { type Env, listOf } from "../env.ts";
import type { OwnMail } from "./automated.ts";

/** Our own addresses and Message-ID domain, from ISTS_SUPPORT_ADDRESSES and ISTS_MAIL_DOMAIN. */
export function ownMail(env: Env): OwnMail {
  const addresses = listOf(env.ISTS_SUPPORT_ADDRESSES).map((a) => a.toLowerCase());
  const domains = [
    ...listOf(env.ISTS_MAIL_DOMAIN),
    ...addresses.map((a) => a.slice(a.lastIndexOf("@") + 1)),
  ].map((d) => d.toLowerCase());
  return { addresses, domains: [...new Set(domains)] };
}
