// The merchant pages' stylesheet, inlined under the CSP nonce (no external requests).
export const STYLES = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f6f8}
.top{background:#1b1f24;color:#fff;padding:.75rem 1.5rem}
.brand{font-weight:700;letter-spacing:.02em}
main{max-width:42rem;margin:2rem auto;padding:0 1rem}
.card{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:1.5rem;margin-bottom:1rem}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=email],input[type=password],select{width:100%;padding:.5rem;border:1px solid #aab3bd;border-radius:4px;font:inherit}
fieldset{border:1px solid #d8dde3;border-radius:6px;margin:.75rem 0;padding:.5rem 1rem}
legend{font-weight:700;text-transform:capitalize}
ul.scopes{list-style:none;padding:0;margin:0}
ul.scopes li{padding:.35rem 0;border-top:1px solid #eef1f4}
ul.scopes li:first-child{border-top:0}
.scope-name{font-family:ui-monospace,monospace;font-weight:600}
.scope-check{display:flex;gap:.5rem;align-items:flex-start;font-weight:400;margin:0}
.badge{display:inline-block;font-size:.75rem;font-weight:700;padding:0 .4rem;border-radius:3px;margin-left:.4rem;vertical-align:middle}
.sensitive{background:#fde8e8;color:#8a1c1c;border:1px solid #f3b4b4}
.required{background:#e8eef8;color:#1d3f73}
.optional{background:#eef6ea;color:#2c5a1e}
.live{background:#eef6ea;color:#2c5a1e}
.revoked{background:#f1f1f1;color:#5b6570}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
.meta dt{font-weight:600}
.meta dd{margin:0}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
a.button{display:inline-block;text-decoration:none;padding:.55rem 1.2rem;border-radius:4px;background:#0b5cad;color:#fff}
pre{background:#f4f6f8;padding:.75rem;border-radius:4px;overflow:auto;font-size:.85rem}
button{font:inherit;padding:.55rem 1.2rem;border-radius:4px;border:1px solid #1b1f24;cursor:pointer}
button.primary{background:#0b5cad;border-color:#0b5cad;color:#fff}
button.secondary{background:#fff;color:#1b1f24}
.error{background:#fde8e8;border:1px solid #f3b4b4;color:#8a1c1c;padding:.75rem;border-radius:4px}
.notice{background:#fff7e0;border:1px solid #f0d48a;padding:.75rem;border-radius:4px}
.muted{color:#5b6570;font-size:.9rem}
`;
