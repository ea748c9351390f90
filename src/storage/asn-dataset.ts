// The IP-to-ASN dataset bundled with the @ip-location-db/asn package, loaded once per process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AsnTable } from '../lookup/asn-table.ts';

/**
 * Attribution the dataset's licences require wherever its results are shown
 * (the package's README, ROUTEVIEWS-LICENSE, NRO_LICENSE, DBIP-LICENSE and MODIFICATIONS).
 * DB-IP additionally asks web pages that display its results to link to https://db-ip.com
 * (ASN_DATASET_ATTRIBUTION_HTML).
 */
export const ASN_DATASET_ATTRIBUTION =
  'IP-to-ASN data: ip-location-db "asn" (@ip-location-db/asn, https://github.com/sapics/ip-location-db), ' +
  'built with modifications from the RouteViews IP-to-AS database (routeviews.org), the NRO/RIR delegation ' +
  'statistics (nro.net) and the DB-IP IP to ASN Lite database (db-ip.com), each licensed under ' +
  'Creative Commons Attribution 4.0 International (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/).';

/** The link-back DB-IP's licence asks for on web pages that show results from its data. */
export const ASN_DATASET_ATTRIBUTION_HTML =
  "<a href='https://db-ip.com'>IP Geolocation by DB-IP</a>; IP-to-ASN data from " +
  "<a href='https://www.routeviews.org/'>RouteViews</a>, <a href='https://www.nro.net/'>NRO</a> and " +
  "<a href='https://db-ip.com/'>DB-IP</a> via <a href='https://github.com/sapics/ip-location-db'>ip-location-db</a>, " +
  "<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>.";

/** Directory of the installed @ip-location-db/asn package. */
export function bundledAsnDatasetDir(): string {
  return dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
}

let cached: Promise<AsnTable> | null = null;

/** The bundled dataset as an AsnTable; read and parsed on first call, shared afterwards. */
export async function loadBundledAsnTable(): Promise<AsnTable> {
  if (cached === null) {
    const p = (async () => {
      const dir = bundledAsnDatasetDir();
      const [v4, v6] = await Promise.all([readFile(join(dir, 'asn-ipv4-num.csv'), 'utf8'), readFile(join(dir, 'asn-ipv6.csv'), 'utf8')]);
      return AsnTable.fromCsv(v4, v6);
    })();
    // A failed load is not cached, so a later call can try again.
    p.catch(() => {
      if (cached === p) cached = null;
    });
    cached = p;
  }
  return cached;
}
