// Usage: node export-key.mjs <secret URI> <password>
//
// What a practitioner's wallet does to hand its key to the hospital's gateway: export the
// account as polkadot.js's encrypted JSON (scrypt and xsalsa20-poly1305). Prints the JSON.
import { Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';

const [uri, password] = process.argv.slice(2);
await cryptoWaitReady();
const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(uri);
console.log(JSON.stringify(pair.toJson(password)));
