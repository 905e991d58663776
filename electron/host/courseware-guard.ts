import { Transform, type TransformCallback } from 'stream';

/**
 * Courseware must send nothing off the device. CSP `connect-src 'none'` stops fetch/XHR/WebSocket,
 * but not WebRTC: a sandboxed courseware frame could create an RTCPeerConnection and send STUN
 * packets (UDP) to any address. Chromium has no CSP `webrtc` directive (Chromium 156 logs
 * "Unrecognized Content-Security-Policy directive 'webrtc'"; 108 never had it) and no permission
 * for peer connections, so two layers:
 *
 *  1. Electron (the product): every WebContents gets `setWebRTCIPHandlingPolicy('disable_non_proxied_udp')`
 *     and the process the `webrtc-ip-handling-policy` switch (electron/main/harden.ts). With no
 *     proxy configured, WebRTC then has no transport at all — whatever frame or realm asks.
 *  2. Both transports (and the only layer for a browser we did not launch): this guard, injected as
 *     the first script of every courseware HTML document, removes the WebRTC constructors from the
 *     page and from every same-origin child frame it can reach (iframes' contentWindow/contentDocument,
 *     frames appended by DOM calls, frames the parser inserts). It is a best effort inside the page,
 *     not a sandbox: see docs/packaging.md § "Courseware and WebRTC" for what it does not cover.
 */
export const COURSEWARE_GUARD_SCRIPT = `(function tpGuard(){'use strict';
var RTC=/^(webkit|moz)?RTC/;var SELF='<script>('+tpGuard.toString()+')();<\\/script>';
function strip(w){try{Object.getOwnPropertyNames(w).forEach(function(n){if(!RTC.test(n))return;try{delete w[n];}catch(e){}
if(Object.prototype.hasOwnProperty.call(w,n)){try{Object.defineProperty(w,n,{value:undefined,writable:false,configurable:false});}catch(e){}}});}catch(e){}}
function guarded(html){html=String(html);return html.indexOf(SELF)===0?html:SELF+html;}
function guard(w){if(!w)return;try{if(w.__tpGuarded)return;Object.defineProperty(w,'__tpGuarded',{value:true});}catch(e){return;}
strip(w);
var setAttr=w.Element.prototype.setAttribute;
function sweep(){try{for(var i=0;i<w.frames.length;i++)guard(w.frames[i]);}catch(e){}
try{var fs=w.document.querySelectorAll('iframe[srcdoc],frame[srcdoc]');for(var j=0;j<fs.length;j++){var v=fs[j].getAttribute('srcdoc');if(v.indexOf(SELF)!==0)setAttr.call(fs[j],'srcdoc',guarded(v));}}catch(e){}}
function after(proto,name){var d=proto&&Object.getOwnPropertyDescriptor(proto,name);if(!d||typeof d.value!=='function')return;var f=d.value;
d.value=function(){try{return f.apply(this,arguments);}finally{sweep();}};Object.defineProperty(proto,name,d);}
function afterSet(proto,name,map){var d=proto&&Object.getOwnPropertyDescriptor(proto,name);if(!d||!d.set)return;var s=d.set;
d.set=function(v){try{s.call(this,map?map(v):v);}finally{sweep();}};Object.defineProperty(proto,name,d);}
function getter(proto,name,pick){var d=proto&&Object.getOwnPropertyDescriptor(proto,name);if(!d||!d.get)return;var g=d.get;
d.get=function(){var r=g.call(this);try{guard(pick(r));}catch(e){}return r;};Object.defineProperty(proto,name,d);}
try{
['appendChild','insertBefore','replaceChild'].forEach(function(n){after(w.Node.prototype,n);});
['append','prepend','after','before','replaceWith','replaceChildren','insertAdjacentElement','insertAdjacentHTML','setAttribute','setAttributeNS','toggleAttribute'].forEach(function(n){after(w.Element.prototype,n);});
['write','writeln'].forEach(function(n){after(w.Document.prototype,n);});
after(w.Range&&w.Range.prototype,'insertNode');
['innerHTML','outerHTML'].forEach(function(n){afterSet(w.Element.prototype,n);});
afterSet(w.HTMLIFrameElement.prototype,'srcdoc',guarded);
[w.HTMLIFrameElement,w.HTMLFrameElement,w.HTMLObjectElement,w.HTMLEmbedElement].forEach(function(C){if(!C)return;
getter(C.prototype,'contentWindow',function(r){return r;});getter(C.prototype,'contentDocument',function(d){return d&&d.defaultView;});});
new w.MutationObserver(sweep).observe(w.document,{childList:true,subtree:true,attributes:true,attributeFilter:['srcdoc']});
w.addEventListener('load',sweep,true);
}catch(e){}}
guard(window);})();`;

const TAG = `<script>${COURSEWARE_GUARD_SCRIPT}</script>`;
export const COURSEWARE_GUARD_TAG_BYTES = Buffer.byteLength(TAG);

/** True for entries served as HTML documents (the guard is injected into exactly these). */
export function isCoursewareHtml(contentType: string): boolean {
  return /^(text\/html|application\/xhtml\+xml)\b/i.test(contentType);
}

/**
 * Where the guard goes, given the document's first bytes decoded as latin1 (one char per byte, so the
 * result is a byte offset): after a UTF-8 BOM, comments and `<!doctype …>` — inserting before the
 * doctype would put the page in quirks mode — else at the very start (after a BOM).
 */
export function guardInsertionPoint(headLatin1: string): number {
  const m = /^(?:\xEF\xBB\xBF)?(?:\s*<!--[\s\S]*?-->)*\s*<!doctype[^>]*>/i.exec(headLatin1);
  if (m) return m[0].length;
  return headLatin1.startsWith('\xEF\xBB\xBF') ? 3 : 0;
}

/** How much of the document's start is looked at to find the doctype. */
const HEAD_BYTES = 4096;

/**
 * A stream transform that inserts the guard once, before any of the document's own markup runs.
 * Output length is always input length + COURSEWARE_GUARD_TAG_BYTES (so Content-Length can be sent).
 */
export function createGuardInjector(): Transform {
  let head: Buffer[] = [];
  let headBytes = 0;
  let done = false;
  const flushHead = (push: (chunk: Buffer) => void) => {
    const all = Buffer.concat(head);
    head = [];
    const offset = guardInsertionPoint(all.toString('latin1'));
    push(all.subarray(0, offset));
    push(Buffer.from(TAG));
    push(all.subarray(offset));
    done = true;
  };
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback) {
      if (done) return callback(null, chunk);
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes >= HEAD_BYTES) flushHead((c) => this.push(c));
      callback();
    },
    flush(callback: TransformCallback) {
      if (!done) flushHead((c) => this.push(c));
      callback();
    },
  });
}
