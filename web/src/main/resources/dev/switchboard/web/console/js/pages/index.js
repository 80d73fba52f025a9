// The console's pages by route name, and the navigation's order and labels.
import { overview } from "./overview.js";
import { devices } from "./devices.js";
import { rules } from "./rules.js";
import { clients, sessions } from "./clients.js";
import { topics } from "./topics.js";
import { publish } from "./publish.js";
import { live } from "./live.js";
import { quotas } from "./quotas.js";
import { hubs, admins, apiKeys, audit } from "./admin.js";
import { stashes, stash } from "./stashes.js";

export const PAGES = { overview, devices, rules, clients, sessions, topics, publish, live, quotas, hubs, admins, keys: apiKeys, audit };
PAGES.stashes = stashes;
PAGES.stash = stash;

/** Pages that are not in the navigation, and the entry that stands for them there. */
export const NAVIGATION_PARENT = { stash: "stashes" };

/** [route, label, server administrators only] */
export const NAVIGATION = [
  ["overview", "Overview"],
  ["devices", "Devices"],
  ["rules", "Access rules"],
  ["clients", "Clients"],
  ["sessions", "Sessions"],
  ["topics", "Topics"],
  ["publish", "Publish"],
  ["live", "Live messages"],
  ["stashes", "Stashes"],
  ["quotas", "Quotas"],
  ["hubs", "Hubs", true],
  ["admins", "Administrators"],
  ["keys", "API keys"],
  ["audit", "Audit log"],
];
