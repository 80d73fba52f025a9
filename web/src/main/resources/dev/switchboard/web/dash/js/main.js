// The page's entry point (a file, not an inline script, so that a strict Content-Security-Policy
// with script-src 'self' holds).
import { main } from "./app.js";

main();
