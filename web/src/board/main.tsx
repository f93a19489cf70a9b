// The status board: mounted into the page the service serves at `/`.
import "./style.css";

import { render } from "preact";

import { App } from "./components/App";

/** What the service tells the page about itself, in meta tags it writes. */
function publicRead(): boolean {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="bilateral:public-read"]');
  return meta?.content !== "false";
}

const root = document.getElementById("app");
if (root !== null) {
  root.replaceChildren();
  render(<App publicRead={publicRead()} />, root);
}
