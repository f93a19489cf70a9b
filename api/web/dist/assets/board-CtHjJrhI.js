import"./modulepreload-polyfill-P2Xu9kJm.js";import{n as e}from"./dist-CFLpQDq_.js";var t,n,r,i,a,o,s,c,l,u,d=Symbol.for(`pv`),f={},p=[],m=/^m(i|n|o|s|text|space)$/,h=Array.isArray,g=p.slice,_=Object.assign;function v(e){e&&e.parentNode&&e.remove()}function y(e,r,i,a,o){var s={type:e,props:r,key:i,ref:a,__k:null,__:null,__b:0,__e:null,__c:null,constructor:d,__v:o||++n,__i:-1,__u:0};return!o&&t.vnode&&t.vnode(s),s}function b(e){return e.children}function x(e,t){this.props=e,this.context=t,this.__g=0}function S(e,t){if(t==null)return e.__&&S(e.__,e.__i+1);for(var n;t<e.__k.length;t++)if((n=e.__k[t])&&n.__e)return n.__e;return typeof e.type!=`function`||e.props.__P?null:S(e)}function C(e){var n,r=e.__v,i=r.__e,a=[],o=[],s=e.__P;s&&((n=_({constructor:d},r)).__v=r.__v+1,t.vnode&&t.vnode(n),N(s,n,r,e.__n,s.namespaceURI,32&r.__u?[i]:null,a,i||S(r),32&r.__u,o),n.__v=r.__v,n.__.__k[n.__i]=n,re(a,n,o),r.__=r.__e=null,n.__e!=i&&w(n))}function w(e){if((e=e.__)&&e.__c&&!e.props.__P)return e.__e=null,e.__k.some(function(t){return t&&(e.__e=t.__e)}),w(e)}function T(e){(8&e.__g||(e.__g|=8,r.push(e),a++))&&i==t.debounceRendering||((i=t.debounceRendering)||queueMicrotask)(E)}function E(){try{for(var e,t=1;r.length;)r.length>t&&r.sort(o),e=r.shift(),t=r.length,8&e.__g&&C(e)}finally{(a=r.length)&&(i||queueMicrotask)(E)}}function ee(e,t,n,r,i,a,o,s,c,l,u){var d,m,h,g,_,v,y=r.__k||p,b=t.length;for(c=D(n,t,y,c,b),d=0;d<b;d++)(h=n.__k[d])!=null&&(m=~h.__i&&y[h.__i]||f,h.__i=d,v=N(e,h,m,i,a,o,s,c,l,u),g=h.__e,(m.ref!=h.ref||8&m.__u)&&(m.ref&&P(m.ref,null,h,m),h.ref&&u.push(h.ref,h.__c||g,h)),_||=g,4&h.__u?(c=O(h,c,e,!m.__v),m.__e&&(m.__e=null)):typeof h.type==`function`&&v!==void 0?c=v:g&&(c=g.nextSibling),h.__u&=-21);return n.__e=_,c}function D(e,t,n,r,i){var a,o,s,c,l,u,f,p,m,g=n.length,_=g,v=0,x=0,C=e.__k=Array(i);for(a=0;a<i;a++)(o=t[a])!=null&&typeof o!=`boolean`&&typeof o!=`function`?(typeof o!=`object`||o.constructor===String?o=C[a]=y(null,o):h(o)?o=C[a]=y(b,{children:o}):o.constructor===d&&o.__b?o=C[a]=y(o.type,o.props,o.key,o.ref,o.__v):C[a]=o,c=a+v,o.__=e,o.__b=e.__b+1,s=null,~(l=o.__i=k(o,n,c,_))&&(_--,(s=n[l])&&(s.__u|=2)),s&&s.__v?(o.__u|=16,l==c-1?v--:l==c+1?v++:l!=c&&(l>c?v--:v++,x=1)):(~l||(i>g?v--:i<g&&v++),typeof o.type!=`function`&&(o.__u|=4))):C[a]=null;if(x){for(u=[],f=[],a=0;a<i;a++)if((o=C[a])&&16&o.__u){for(v=0,p=u.length;v<p;)u[m=v+p>>1]<o.__i?v=m+1:p=m;u[v]=o.__i,f[a]=v+1}for(v=u.length;a--;)f[a]&&(f[a]==v?v--:C[a].__u|=4)}if(_)for(a=0;a<g;a++)!(s=n[a])||2&s.__u||(s.__e==r&&(r=S(s)),ae(s,s));return r}function O(e,t,n,r){var i,a,o,s;if(typeof e.type==`function`){if(e.props.__P)return t;if(i=e.__k)for(a=0;a<i.length;a++)i[a]&&(i[a].__=e,t=O(i[a],t,n,!1));return t}for(t&&!t.parentNode&&(t=S(e))&&!t.parentNode&&(t=null),o=e.__e,s=t;s&&s.nodeType==8;)s=s.nextSibling;for(o!=s&&(!r&&n.moveBefore&&o.parentNode?n.moveBefore(o,t):n.insertBefore(o,t||null)),t=o;(t&&=t.nextSibling)&&t.nodeType==8&&!t.data.startsWith(`$s`););return t}function k(e,t,n,r){var i,a=e.key,o=e.type,s=t[n],c=s&&!(2&s.__u);if(s===null&&a==null||c&&a==s.key&&o==s.type)return n;if(r>+!!c){for(i=n-1;i>=0;i--)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i;for(i=n+1;i<t.length;i++)if((s=t[i])&&!(2&s.__u)&&a==s.key&&o==s.type)return i}return-1}function A(e,t,n){n??=``,t[0]==`-`?e.setProperty(t,n):e[t]=n}function j(e,t,n,r,i){var a,o;if(t==`style`){if(typeof n==`string`)e.style.cssText=n;else{if(typeof r==`string`&&(e.style.cssText=r=``),r)for(t in r)n&&t in n||A(e.style,t);if(n)for(t in n)r&&n[t]==r[t]||A(e.style,t,n[t])}}else if(t[0]==`o`&&t[1]==`n`)typeof n!=`function`&&(n=null),typeof r!=`function`&&(r=null),(e.__e||={})[t]=n,n&&r||(o=u[t]||(u[t]=M(t)),(e.__a||={})[t]=l,a=t!=(t=t.replace(c,`$1`)),(t=t.slice(2))[0]<`a`&&(t=t.toLowerCase()),n?e.addEventListener(t,o,a):e.removeEventListener(t,o,a));else{if(i==`http://www.w3.org/2000/svg`)t=t.replace(/xlink(H|:h)/,`h`).replace(/sName$/,`s`);else if(t!=`width`&&t!=`height`&&t!=`href`&&t!=`list`&&t!=`form`&&t!=`tabIndex`&&t!=`download`&&t!=`rowSpan`&&t!=`colSpan`&&t!=`role`&&t!=`popover`&&t in e)try{e[t]=n??``;return}catch{}if(typeof n==`function`)return;n==null||!1===n&&t[4]!=`-`?e.removeAttribute(t):e.setAttribute(t,t==`popover`&&n==1?``:n)}}function M(e){return function(n){var r=this.__e;if(r){if(r=r[e],n[s]==null)n[s]=l++;else if(n[s]<this.__a[e])return;return r(t.event?t.event(n):n)}}}function N(e,n,r,i,a,o,s,c,l,u){var f,m,g,y,C,w,T,E,D,O,k,A,j,M,N,re,P,F,I=n.type;if(n.constructor!==d)return null;128&r.__u&&(l=32&r.__u,f=r.__c.__z)&&(n.__u|=l,m=o=[],f.nodeType==8?c=te(f,o):o.push(f),c=o[0]||c),(f=t.__b)&&f(n);e:if(typeof I==`function`){g=s.length;try{if(E=n.props,D=(f=I.prototype)&&f.render,O=(f=I.contextType)&&i[f.__c],k=f?O?O.props.value:f.__:i,(y=r.__c)?(n.__c=y,2&y.__g&&(y.__g|=1)):(D?n.__c=y=new I(E,k):(n.__c=y=new x(E,k),y.constructor=I,y.render=oe),O&&O.sub(y),y.state||(y.state={}),y.__n=i,y.__g|=8,y.__h=[],y.__k=[]),D&&(y.__s||(y.__s=y.state),I.getDerivedStateFromProps&&(y.__s==y.state&&(y.__s=_({},y.__s)),_(y.__s,I.getDerivedStateFromProps(E,y.__s)))),C=y.props,w=y.state,y.__v=n,r.__c){if(E!==C&&D&&!I.getDerivedStateFromProps&&y.componentWillReceiveProps&&y.componentWillReceiveProps(E,k),n.__v==r.__v&&!(8&y.__g)||!(4&y.__g)&&y.shouldComponentUpdate&&!1===y.shouldComponentUpdate(E,y.__s,k)){n.__v!=r.__v&&(y.props=E,y.state=y.__s,y.__g&=-9),n.__e=r.__e,n.__k=r.__k,n.__k.some(function(e){e&&(e.__=n)}),p.push.apply(y.__h,y.__k),y.__k=[],y.__h.length&&s.push(y),c=S(r);break e}y.componentWillUpdate&&y.componentWillUpdate(E,y.__s,k),D&&y.componentDidUpdate&&y.__h.push(function(){y.componentDidUpdate(C,w,T)})}else D&&!I.getDerivedStateFromProps&&y.componentWillMount&&y.componentWillMount(),D&&y.componentDidMount&&y.__h.push(y.componentDidMount);y.context=k,y.props=E,y.__P=e,y.__g&=-5,A=t.__r,j=D?25:0;do y.__g&=-9,A&&A(n),f=y.render(y.props,y.state=y.__s,y.context);while(8&y.__g&&++j<25);D&&(p.push.apply(y.__h,y.__k),y.__k=[]),y.state=y.__s,y.getChildContext&&(i=_({},i,y.getChildContext())),D&&r.__c&&y.getSnapshotBeforeUpdate&&(T=y.getSnapshotBeforeUpdate(C,w)),M=f&&f.type===b&&f.key==null?f.props.children:f,E.__P&&(f=c,a=(e=E.__P).namespaceURI,l=o=null,r.props&&r.props.__P!=e&&(r.__k.some(function(e){e&&ae(e,e)}),r.__k=null),c=r.__k?S(r,0):null),c=ee(e,h(M)?M:[M],n,r,i,a,o,s,c,l,u),E.__P&&(n.__e=null,c=f),n.__u&=-161,m&&m.some(v),y.__h.length&&s.push(y),1&y.__g&&(y.__g&=-4)}catch(e){if(s.length=g,n.__v=null,l||o){if(e&&e.then){if(n.__u|=128|l,o){for(~(P=o.indexOf(c||void 0))||(P=o.length);(F=o[P-1])&&F.nodeType==8;)P--;for(;P<o.length;P++)if(F=o[P]){if(o[P]=null,N){if(F==re)break}else{if(F.nodeType!=8)break;F.data.startsWith(`$s`)&&(re=te(N=F))}}}if(!N){for(;c&&c.nodeType==8&&c.nextSibling;)c=c.nextSibling;N=c}(f=te(N=n.__c.__z||(n.__c.__z=N)))?(n.__e=N,c=f):n.__e=c,c&&=c.nextSibling}else o&&o.some(v)}else n.__e=r.__e;n.__k||=r.__k||[],e&&e.then||ne(n),t.__e(e,n,r)}}else c=n.__e=ie(r.__e,n,r,i,a,o,s,l,u,e);return(f=t.diffed)&&f(n),c}function te(e,t){if(e&&e.nodeType==8&&e.data.startsWith(`$s`))for(var n=1;e=e.nextSibling;){if(e.nodeType==8){if(e.data.startsWith(`$s`))n++;else if(e.data.startsWith(`/$s`)&&!--n)return e}t&&t.push(e)}}function ne(e){e&&(e.__c&&(e.__c.__g|=4),e.__k&&e.__k.some(ne))}function re(e,n,r){for(var i=0;i<r.length;)P(r[i++],r[i++],r[i++]);t.__c&&t.__c(n,e),e.some(function(n){try{e=n.__h,n.__h=[],e.some(function(e){e.call(n)})}catch(e){t.__e(e,n.__v)}})}function ie(e,n,r,i,a,o,s,c,l,u){var d,p,_,y,b,x,C,w,T=r.props||f,E=n.props,D=n.type;if(D==`svg`?a=`http://www.w3.org/2000/svg`:D==`math`?a=`http://www.w3.org/1998/Math/MathML`:a||=`http://www.w3.org/1999/xhtml`,o){for(d=0;d<o.length;d++)if((b=o[d])&&(D?b.localName==D:b.nodeType==3)){e=b,o[d]=null;break}}if(!e){if(w=u.ownerDocument||document,!D)return w.createTextNode(E);e=w.createElementNS(a,D,E.is?E:u),c&&=(t.__m&&t.__m(n,o),!1),o=null}if(D){if(u=D==`template`&&e.content||e,o=D==`textarea`&&E.defaultValue!=null?null:o&&g.call(u.childNodes),!c&&o)for(T={},d=0;d<e.attributes.length;d++)T[(b=e.attributes[d]).name]=b.value;for(d in T)b=T[d],d==`dangerouslySetInnerHTML`?_=b:d==`children`||d in E||d==`value`&&`defaultValue`in E||d==`checked`&&`defaultChecked`in E||j(e,d,null,b,a);for(d in E)b=E[d],d==`children`?y=b:d==`dangerouslySetInnerHTML`?p=b:d==`value`?x=b:d==`checked`?C=b:c&&typeof b!=`function`||T[d]===b||j(e,d,b,T[d],a);p?(c||_&&(p.__html==_.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),n.__k=[]):(_&&(e.textContent=``),(D==`foreignObject`||a==`http://www.w3.org/1998/Math/MathML`&&m.test(D))&&(a=`http://www.w3.org/1999/xhtml`),ee(u,h(y)?y:[y],n,r,i,a,o,s,o?o[0]:r.__k&&S(r,0),c,l),o&&o.some(v)),c&&D!=`textarea`||(d=`value`,D==`progress`&&x==null?e.removeAttribute(d):x==null||x===e[d]&&(D!=`progress`||x)||j(e,d,x,T[d],a),d=`checked`,C!=null&&C!=e[d]&&j(e,d,C,T[d],a))}else T===E||c&&e.data==E||(e.data=E);return e}function P(e,n,r,i){try{typeof e==`function`?n?n.__x=e(n)||1:(i&&=i.__c||i.__e)&&(n=i.__x)&&(i.__x=null,typeof n==`function`?n():e(null)):e.current=n}catch(e){t.__e(e,r)}}function ae(e,n,r){var i,a,o,s;if(t.unmount&&t.unmount(e),!(i=e.ref)||i.current&&i.current!=e.__e||P(i,null,n,e),i=e.__c){if(i.componentWillUnmount)try{i.componentWillUnmount()}catch(e){t.__e(e,n)}i.__P=i.__n=null}if(i=e.__k)for(s=0;s<i.length;s++)i[s]&&ae(i[s],n,typeof e.type!=`function`||r&&!e.props.__P);!r&&(i=e.__c)&&(i=i.__z)&&(a=te(i,o=[]))&&(i==e.__e&&o.some(v),v(a),v(i)),r||v(e.__e),e.__e=e.__c=e.__=null}function oe(e,t,n){return this.constructor(e,n)}function F(e,n){var r,i,a,o;t.__&&t.__(e,n),n.nodeType==9&&(n=n.documentElement),i=(r=e&&32&e.__u)?null:n.__k,n.__k=y(b,{children:[e]}),a=[],o=[],N(n,n.__k,i||f,f,n.namespaceURI,i?null:n.firstChild?g.call(n.childNodes):null,a,i?i.__e:n.firstChild,r,o),re(a,n.__k,o),n.__k.props.children=null}t={__e:function(e,t,n,r){for(var i,o,s;t=t.__;)if((i=t.__c)&&!(1&i.__g)){i.__g|=4;try{if((s=(o=i.constructor)&&o.getDerivedStateFromError)&&i.setState(o.getDerivedStateFromError(e)),i.componentDidCatch&&(i.componentDidCatch(e,r||{}),s=1),s&&8&i.__g)return void(i.__g|=2)}catch(t){e=t}}throw a=0,e}},n=0,x.prototype.setState=function(e,t){var n=this.__s;n&&n!=this.state||(n=this.__s=_({},this.state)),typeof e==`function`&&(e=e(_({},n),this.props)),e&&(_(n,e),this.__v&&(t&&this.__k.push(t),T(this)))},x.prototype.forceUpdate=function(e){this.__v&&(this.__g|=4,e&&this.__h.push(e),T(this))},x.prototype.render=b,r=[],a=0,o=function(e,t){return e.__v.__b-t.__v.__b},s=Symbol(),c=/(PointerCapture)$|Capture$/i,l=0,u={};var I,L,se,ce,le=Object.is,R=0,ue=[],de=[],z=t,fe=z.__b,pe=z.__r,me=z.diffed,he=z.__c,ge=z.unmount,_e=z.__;function ve(e,t){z.__h&&z.__h(L,e,R||t),R=0;var n=L.__H||(L.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function B(e){return R=1,ye(ke,e)}function ye(e,t,n){var r=ve(I++,2);if(r.t=e,!r.__c&&(r.__=[n?n(t):ke(void 0,t),function(e){var t=(r.__N||r.__)[0],n=r.t(t,e);le(t,n)||(r.__N=[n,r.__[1]],r.__c.setState({}))}],r.__c=L,!L.__f)){L.__f=!0;var i=L.shouldComponentUpdate;L.shouldComponentUpdate=function(e,t,n){var r=this.__H;if(!r)return!0;var a=!1,o=this.props!=e;if(r.__.some(function(e){e.__N&&(a=!0,le(e.__[0],e.__N[0])||(o=!0))}),i){var s=i.call(this,e,t,n);return a?s||o:s}return!a||o}}return r.__}function V(e,t){var n=ve(I++,3);!z.__s&&Oe(n.__H,t)&&(n.__P=!0,n.__=e,n.u=t,L.__H.__h.push(n))}function be(e){return R=5,xe(function(){return{current:e}},[])}function xe(e,t){var n=ve(I++,7);return Oe(n.__H,t)&&(n.__=e(),n.__H=t),n.__}function Se(e,t){return R=8,xe(function(){return e},t)}function Ce(){var e;do{for(;e=de.shift();)try{H(e)}catch(t){z.__e(t,{__:(e=e.__P)&&e.__v})}for(;e=ue.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(H),t.__h.some(De),t.__h=[]}catch(n){t.__h=[],z.__e(n,e.__v)}}}while(de.length)}z.__b=function(e){L=null,fe&&fe(e)},z.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),_e&&_e(e,t)},z.__r=function(e){pe&&pe(e),I=0;var t=(L=e.__c).__H;t&&(se==L?L.__h=[]:(t.__h.some(H),t.__h.some(De),I=0),t.__h=[],t.__.some(function(e){e.__N&&(e.__=e.__N),e.u=e.__N=void 0})),se=L},z.diffed=function(e){me&&me(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&Ee(ue.push(t)),t.__H.__.some(function(e){e.u&&(e.__H=e.u)})),se=L=null},z.__c=function(e,t){t.some(function(e){try{e.__h.some(H),e.__h=e.__h.filter(function(e){return!e.__||De(e)})}catch(t){e.__h=[function(){throw t}]}}),he&&he(e,t)},z.unmount=function(e){ge&&ge(e);var t,n,r=e.__c;r&&r.__H&&(r.__H.__.some(function(r){try{if(r.__P&&r.__c){if(n===void 0){for(n=e.__;n&&(!n.__c||!n.__c.__P);)n=n.__;n&&=n.__c}r.__P=n,Ee(de.push(r))}else H(r)}catch(e){t=e}}),r.__H=void 0,t&&z.__e(t,r.__v))};var we=typeof requestAnimationFrame==`function`;function Te(e){var t,n=function(){clearTimeout(r),we&&cancelAnimationFrame(t),setTimeout(e)},r=setTimeout(n,35);we&&(t=requestAnimationFrame(n))}function Ee(e){e!=1&&ce==z.requestAnimationFrame||((ce=z.requestAnimationFrame)||Te)(Ce)}function H(e){var t=L,n=e.__c;typeof n==`function`&&(e.__c=void 0,n()),L=t}function De(e){var t=L;e.__c=e.__(),L=t}function Oe(e,t){return!e||e.length!=t.length||t.some(function(t,n){return!le(t,e[n])})}function ke(e,t){return typeof t==`function`?t(e):t}var Ae=`bilateral.token`,U={get(){return window.sessionStorage.getItem(Ae)},set(e){window.sessionStorage.setItem(Ae,e.trim())},clear(){window.sessionStorage.removeItem(Ae)}},je=0;function Me(){return je}var Ne=class extends Error{},Pe=class extends Error{};function Fe(e){let t={Accept:`application/graphql-response+json, application/json`,"Content-Type":`application/json`};return e&&(t.Authorization=`Bearer ${e}`),t}async function Ie(e,t){let n=await fetch(`/graphql`,{method:`POST`,headers:Fe(U.get()),body:JSON.stringify({query:e.toString(),variables:t})}),r=Date.parse(n.headers.get(`date`)??``);if(Number.isNaN(r)||(je=r),n.status===401)throw new Ne(`The token was refused.`);let i=await n.json(),a=(i.errors??[]).map(e=>e.extensions?.code);if(a.includes(`UNAUTHENTICATED`)||a.includes(`FORBIDDEN`))throw new Ne(i.errors?.[0]?.message??`A token is needed.`);if(!i.data||i.errors?.length)throw new Pe(i.errors?.[0]?.message??`HTTP ${n.status}`);return i.data}var Le=864e5;function W(e){let[t,n,r]=e.split(`-`).map(Number);return Math.round(Date.UTC(t,(n??1)-1,r??1)/Le)}function Re(e){return new Date(e*Le).toISOString().slice(0,10)}function G(){let e=new Date;return new Date(e.getTime()-e.getTimezoneOffset()*6e4).toISOString().slice(0,10)}function ze(e){return e!==null&&/^\d{4}-\d{2}-\d{2}$/.test(e)&&!Number.isNaN(W(e))}var Be=new Intl.DateTimeFormat(`en-GB`,{day:`numeric`,month:`long`,year:`numeric`,timeZone:`UTC`}),Ve=new Intl.DateTimeFormat(`en-GB`,{month:`long`,year:`numeric`,timeZone:`UTC`});function K(e){return Be.format(new Date(W(e)*Le))}function q(e){return/^\d{4}$/.test(e)?e:/^\d{4}-\d{2}$/.test(e)?Ve.format(new Date(W(`${e}-01`)*Le)):K(e)}function He(e){if(e<1)return`less than a day`;if(e<60)return J(e,`day`);let t=Math.floor(e/30.4375);if(t<24)return J(t,`month`);let n=Math.floor(t/12),r=t%12;return r?`${J(n,`year`)} ${J(r,`month`)}`:J(n,`year`)}function J(e,t){return`${e} ${t}${e===1?``:`s`}`}var Y=class extends String{__apiType;value;__meta__;constructor(e,t){super(e),this.value=e,this.__meta__=t}toString(){return this.value}},Ue={"\n  fragment UpdateFields on StatusUpdate {\n    id\n    status\n    previousStatus\n    occurredOn {\n      text\n      date\n      precision\n    }\n    note\n    verified\n    recordedAt\n    retractedAt\n    retractionReason\n    source {\n      url\n      title\n      publisher\n    }\n  }\n":new Y(`
    fragment UpdateFields on StatusUpdate {
  id
  status
  previousStatus
  occurredOn {
    text
    date
    precision
  }
  note
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}
    `,{fragmentName:`UpdateFields`}),"\n  fragment CardFields on Issue {\n    id\n    slug\n    title\n    summary\n    category\n    raisedBy\n    status\n    latestUpdate {\n      ...UpdateFields\n    }\n  }\n":new Y(`
    fragment CardFields on Issue {
  id
  slug
  title
  summary
  category
  raisedBy
  status
  latestUpdate {
    ...UpdateFields
  }
}
    fragment UpdateFields on StatusUpdate {
  id
  status
  previousStatus
  occurredOn {
    text
    date
    precision
  }
  note
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}`,{fragmentName:`CardFields`}),"\n  fragment SpanFields on StatusSpan {\n    status\n    from\n    until\n    days\n  }\n":new Y(`
    fragment SpanFields on StatusSpan {
  status
  from
  until
  days
}
    `,{fragmentName:`SpanFields`}),"\n  fragment PositionFields on Position {\n    id\n    country\n    statedOn {\n      text\n      date\n    }\n    speaker\n    statement\n    quote\n    verified\n    recordedAt\n    retractedAt\n    retractionReason\n    source {\n      url\n      title\n      publisher\n    }\n  }\n":new Y(`
    fragment PositionFields on Position {
  id
  country
  statedOn {
    text
    date
  }
  speaker
  statement
  quote
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}
    `,{fragmentName:`PositionFields`}),"\n  query Board(\n    $relationship: String!\n    $filter: IssueFilter!\n    $after: String\n    $asOf: Date\n    $day: Date!\n    $timeTravel: Boolean!\n  ) {\n    relationship(slug: $relationship) {\n      id\n      slug\n      name\n      countries\n    }\n    relationships {\n      slug\n      name\n    }\n    issues(filter: $filter, first: 100, after: $after) {\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        ...CardFields\n        statusAsOf(date: $day) @include(if: $timeTravel)\n        statusSpans(asOf: $asOf) {\n          ...SpanFields\n        }\n      }\n    }\n    statusCounts(relationship: $relationship, asOf: $asOf) {\n      status\n      count\n    }\n    # In time travel, each card shows the latest update by that day: the newest\n    # hundred before it cover every issue that moved lately.\n    past: statusUpdates(first: 100, filter: { relationship: $relationship, occurredTo: $asOf })\n      @include(if: $timeTravel) {\n      nodes {\n        ...UpdateFields\n        issue {\n          id\n        }\n      }\n    }\n    # The live feed starts after the newest recorded update and position, so it\n    # replays only what was recorded or retracted after this read.\n    newest: statusUpdates(\n      first: 1\n      orderBy: { field: RECORDED }\n      filter: { relationship: $relationship, includeRetracted: true }\n    ) {\n      nodes {\n        id\n      }\n    }\n    newestPosition: positions(\n      first: 1\n      orderBy: { field: RECORDED }\n      filter: { relationship: $relationship, includeRetracted: true }\n    ) {\n      nodes {\n        id\n      }\n    }\n    oldest: statusUpdates(\n      first: 1\n      orderBy: { field: OCCURRED_ON, direction: ASC }\n      filter: { relationship: $relationship }\n    ) {\n      nodes {\n        occurredOn {\n          date\n        }\n      }\n    }\n  }\n":new Y(`
    query Board($relationship: String!, $filter: IssueFilter!, $after: String, $asOf: Date, $day: Date!, $timeTravel: Boolean!) {
  relationship(slug: $relationship) {
    id
    slug
    name
    countries
  }
  relationships {
    slug
    name
  }
  issues(filter: $filter, first: 100, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      ...CardFields
      statusAsOf(date: $day) @include(if: $timeTravel)
      statusSpans(asOf: $asOf) {
        ...SpanFields
      }
    }
  }
  statusCounts(relationship: $relationship, asOf: $asOf) {
    status
    count
  }
  past: statusUpdates(
    first: 100
    filter: {relationship: $relationship, occurredTo: $asOf}
  ) @include(if: $timeTravel) {
    nodes {
      ...UpdateFields
      issue {
        id
      }
    }
  }
  newest: statusUpdates(
    first: 1
    orderBy: {field: RECORDED}
    filter: {relationship: $relationship, includeRetracted: true}
  ) {
    nodes {
      id
    }
  }
  newestPosition: positions(
    first: 1
    orderBy: {field: RECORDED}
    filter: {relationship: $relationship, includeRetracted: true}
  ) {
    nodes {
      id
    }
  }
  oldest: statusUpdates(
    first: 1
    orderBy: {field: OCCURRED_ON, direction: ASC}
    filter: {relationship: $relationship}
  ) {
    nodes {
      occurredOn {
        date
      }
    }
  }
}
    fragment UpdateFields on StatusUpdate {
  id
  status
  previousStatus
  occurredOn {
    text
    date
    precision
  }
  note
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}
fragment CardFields on Issue {
  id
  slug
  title
  summary
  category
  raisedBy
  status
  latestUpdate {
    ...UpdateFields
  }
}
fragment SpanFields on StatusSpan {
  status
  from
  until
  days
}`),"\n  query IssueTimeline($relationship: String!, $slug: String!, $asOf: Date) {\n    relationship(slug: $relationship) {\n      countries\n      issue(slug: $slug) {\n        ...CardFields\n        createdAt\n        statusSpans(asOf: $asOf) {\n          ...SpanFields\n        }\n        positions(first: 100, includeRetracted: true) {\n          nodes {\n            ...PositionFields\n            recordedBy\n          }\n        }\n        updates(first: 100, includeRetracted: true) {\n          nodes {\n            ...UpdateFields\n            recordedBy\n          }\n        }\n        meetings(first: 50) {\n          nodes {\n            id\n            heldOn {\n              text\n              date\n            }\n            title\n            location\n            summary\n            source {\n              url\n              publisher\n            }\n          }\n        }\n      }\n    }\n  }\n":new Y(`
    query IssueTimeline($relationship: String!, $slug: String!, $asOf: Date) {
  relationship(slug: $relationship) {
    countries
    issue(slug: $slug) {
      ...CardFields
      createdAt
      statusSpans(asOf: $asOf) {
        ...SpanFields
      }
      positions(first: 100, includeRetracted: true) {
        nodes {
          ...PositionFields
          recordedBy
        }
      }
      updates(first: 100, includeRetracted: true) {
        nodes {
          ...UpdateFields
          recordedBy
        }
      }
      meetings(first: 50) {
        nodes {
          id
          heldOn {
            text
            date
          }
          title
          location
          summary
          source {
            url
            publisher
          }
        }
      }
    }
  }
}
    fragment UpdateFields on StatusUpdate {
  id
  status
  previousStatus
  occurredOn {
    text
    date
    precision
  }
  note
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}
fragment CardFields on Issue {
  id
  slug
  title
  summary
  category
  raisedBy
  status
  latestUpdate {
    ...UpdateFields
  }
}
fragment SpanFields on StatusSpan {
  status
  from
  until
  days
}
fragment PositionFields on Position {
  id
  country
  statedOn {
    text
    date
  }
  speaker
  statement
  quote
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}`),"\n  subscription LiveUpdates($relationship: String!, $after: ID) {\n    statusUpdates(relationship: $relationship, after: $after) {\n      ...UpdateFields\n      issue {\n        ...CardFields\n        statusSpans {\n          ...SpanFields\n        }\n      }\n    }\n  }\n":new Y(`
    subscription LiveUpdates($relationship: String!, $after: ID) {
  statusUpdates(relationship: $relationship, after: $after) {
    ...UpdateFields
    issue {
      ...CardFields
      statusSpans {
        ...SpanFields
      }
    }
  }
}
    fragment UpdateFields on StatusUpdate {
  id
  status
  previousStatus
  occurredOn {
    text
    date
    precision
  }
  note
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}
fragment CardFields on Issue {
  id
  slug
  title
  summary
  category
  raisedBy
  status
  latestUpdate {
    ...UpdateFields
  }
}
fragment SpanFields on StatusSpan {
  status
  from
  until
  days
}`),"\n  subscription LivePositions($relationship: String!, $after: ID) {\n    positions(relationship: $relationship, after: $after) {\n      ...PositionFields\n      issue {\n        id\n        slug\n      }\n    }\n  }\n":new Y(`
    subscription LivePositions($relationship: String!, $after: ID) {
  positions(relationship: $relationship, after: $after) {
    ...PositionFields
    issue {
      id
      slug
    }
  }
}
    fragment PositionFields on Position {
  id
  country
  statedOn {
    text
    date
  }
  speaker
  statement
  quote
  verified
  recordedAt
  retractedAt
  retractionReason
  source {
    url
    title
    publisher
  }
}`),"\n  query Viewer {\n    viewer {\n      name\n      role\n    }\n  }\n":new Y(`
    query Viewer {
  viewer {
    name
    role
  }
}
    `)};function X(e){return Ue[e]??{}}X(`
  fragment UpdateFields on StatusUpdate {
    id
    status
    previousStatus
    occurredOn {
      text
      date
      precision
    }
    note
    verified
    recordedAt
    retractedAt
    retractionReason
    source {
      url
      title
      publisher
    }
  }
`),X(`
  fragment CardFields on Issue {
    id
    slug
    title
    summary
    category
    raisedBy
    status
    latestUpdate {
      ...UpdateFields
    }
  }
`),X(`
  fragment SpanFields on StatusSpan {
    status
    from
    until
    days
  }
`),X(`
  fragment PositionFields on Position {
    id
    country
    statedOn {
      text
      date
    }
    speaker
    statement
    quote
    verified
    recordedAt
    retractedAt
    retractionReason
    source {
      url
      title
      publisher
    }
  }
`);var We=X(`
  query Board(
    $relationship: String!
    $filter: IssueFilter!
    $after: String
    $asOf: Date
    $day: Date!
    $timeTravel: Boolean!
  ) {
    relationship(slug: $relationship) {
      id
      slug
      name
      countries
    }
    relationships {
      slug
      name
    }
    issues(filter: $filter, first: 100, after: $after) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...CardFields
        statusAsOf(date: $day) @include(if: $timeTravel)
        statusSpans(asOf: $asOf) {
          ...SpanFields
        }
      }
    }
    statusCounts(relationship: $relationship, asOf: $asOf) {
      status
      count
    }
    # In time travel, each card shows the latest update by that day: the newest
    # hundred before it cover every issue that moved lately.
    past: statusUpdates(first: 100, filter: { relationship: $relationship, occurredTo: $asOf })
      @include(if: $timeTravel) {
      nodes {
        ...UpdateFields
        issue {
          id
        }
      }
    }
    # The live feed starts after the newest recorded update and position, so it
    # replays only what was recorded or retracted after this read.
    newest: statusUpdates(
      first: 1
      orderBy: { field: RECORDED }
      filter: { relationship: $relationship, includeRetracted: true }
    ) {
      nodes {
        id
      }
    }
    newestPosition: positions(
      first: 1
      orderBy: { field: RECORDED }
      filter: { relationship: $relationship, includeRetracted: true }
    ) {
      nodes {
        id
      }
    }
    oldest: statusUpdates(
      first: 1
      orderBy: { field: OCCURRED_ON, direction: ASC }
      filter: { relationship: $relationship }
    ) {
      nodes {
        occurredOn {
          date
        }
      }
    }
  }
`),Ge=X(`
  query IssueTimeline($relationship: String!, $slug: String!, $asOf: Date) {
    relationship(slug: $relationship) {
      countries
      issue(slug: $slug) {
        ...CardFields
        createdAt
        statusSpans(asOf: $asOf) {
          ...SpanFields
        }
        positions(first: 100, includeRetracted: true) {
          nodes {
            ...PositionFields
            recordedBy
          }
        }
        updates(first: 100, includeRetracted: true) {
          nodes {
            ...UpdateFields
            recordedBy
          }
        }
        meetings(first: 50) {
          nodes {
            id
            heldOn {
              text
              date
            }
            title
            location
            summary
            source {
              url
              publisher
            }
          }
        }
      }
    }
  }
`),Ke=X(`
  subscription LiveUpdates($relationship: String!, $after: ID) {
    statusUpdates(relationship: $relationship, after: $after) {
      ...UpdateFields
      issue {
        ...CardFields
        statusSpans {
          ...SpanFields
        }
      }
    }
  }
`),qe=X(`
  subscription LivePositions($relationship: String!, $after: ID) {
    positions(relationship: $relationship, after: $after) {
      ...PositionFields
      issue {
        id
        slug
      }
    }
  }
`);X(`
  query Viewer {
    viewer {
      name
      role
    }
  }
`);var Je=10;async function Ye(e,t){let n=e.asOf??G(),r={relationship:e.relationship,status:e.statuses.length?e.statuses:null,category:e.categories.length?e.categories:null,raisedBy:e.raisedBy||null,search:e.search.trim()||null,asOf:e.asOf},i={relationship:e.relationship,filter:r,day:n,asOf:e.asOf,timeTravel:e.asOf!==null},a=await Ie(We,{...i,after:null}),o=[...a.issues.nodes],s=a;for(let e=1;e<Je&&a.issues.pageInfo.hasNextPage&&!t();e+=1)a=await Ie(We,{...i,after:a.issues.pageInfo.endCursor}),o.push(...a.issues.nodes);return{relationship:s.relationship??null,cards:s.past?Xe(o,s.past.nodes):o,counts:s.statusCounts,newestUpdate:s.newest.nodes[0]?.id??null,newestPosition:s.newestPosition.nodes[0]?.id??null,firstDay:s.oldest.nodes[0]?.occurredOn.date??G()}}function Xe(e,t){let n=new Map;for(let e of t)n.has(e.issue.id)||n.set(e.issue.id,e);return e.map(e=>({...e,latestUpdate:n.get(e.id)??null}))}var Ze=500,Qe=1e4,$e=4403;function et(){return`${window.location.protocol===`https:`?`wss:`:`ws:`}//${window.location.host}/graphql`}var tt=class{streams;options;client=null;timer=null;delay=Ze;stopped=!1;constructor(e,t){this.streams=e,this.options=t}start(){this.stopped=!1,window.addEventListener(`online`,this.reconnectNow),this.connect(`connecting`)}stop(){this.stopped=!0,window.removeEventListener(`online`,this.reconnectNow),this.timer!==null&&window.clearTimeout(this.timer),this.drop()}reconnectNow=()=>{this.timer!==null&&(window.clearTimeout(this.timer),this.timer=null,this.connect(`reconnecting`))};connect(t){this.options.onState(t);let n=this.options.token(),r=e({url:et(),retryAttempts:0,keepAlive:15e3,connectionParams:n?{authorization:`Bearer ${n}`}:{},on:{connected:()=>{this.delay=Ze,this.options.onState(`live`)},closed:e=>{e?.code===$e&&(this.stopped=!0,this.options.onTokenRefused())}}});this.client=r;for(let e of this.streams)this.subscribe(r,e)}subscribe(e,t){e.subscribe({query:t.query,variables:t.variables(t.after)},{next:n=>{if(!n.data||e!==this.client)return;let r=t.eventOf(n.data);t.after=t.idOf(r),t.onEvent(r)},error:n=>{Array.isArray(n)&&(t.after=null,this.options.onResync()),this.retryLater(e)},complete:()=>this.retryLater(e)})}drop(){let e=this.client;this.client=null,e!==null&&e.dispose()}retryLater(e){e===this.client&&(this.drop(),this.stopped||(this.options.onState(`reconnecting`),this.timer=window.setTimeout(()=>{this.timer=null,this.connect(`reconnecting`)},this.delay),this.delay=Math.min(this.delay*2,Qe)))}},nt=1e3;function rt(e,t){return Date.parse(e.retractedAt??e.recordedAt)>=t-nt}function it(e,t){return{query:Ke.toString(),variables:e=>({relationship:t.relationship(),after:e}),eventOf:e=>e.statusUpdates,idOf:e=>e.id,after:e,onEvent:e=>t.onUpdate(e,rt(e,t.loadedAt))}}function at(e,t){return{query:qe.toString(),variables:e=>({relationship:t.relationship(),after:e}),eventOf:e=>e.positions,idOf:e=>e.id,after:e,onEvent:e=>{rt(e,t.loadedAt)&&t.onPosition(e)}}}var ot=[`PROPOSED`,`UNDER_DISCUSSION`,`AGREED_IN_PRINCIPLE`,`IN_PROGRESS`,`RESOLVED`,`SUSPENDED`,`STALLED`],Z={PROPOSED:`Proposed`,UNDER_DISCUSSION:`Under discussion`,AGREED_IN_PRINCIPLE:`Agreed in principle`,IN_PROGRESS:`In progress`,RESOLVED:`Resolved`,SUSPENDED:`Suspended`,STALLED:`Stalled`},st=[`BORDER`,`CONNECTIVITY`,`VISAS`,`TECHNOLOGY`,`PILGRIMAGE`,`WATER`,`TRADE`,`CULTURE`,`MEDIA`],ct={BORDER:`Border`,CONNECTIVITY:`Connectivity`,VISAS:`Visas`,TECHNOLOGY:`Technology`,PILGRIMAGE:`Pilgrimage`,WATER:`Water`,TRADE:`Trade`,CULTURE:`Culture`,MEDIA:`Media`},lt={IN:`India`,CN:`China`};function ut(e){return lt[e]??e}function Q(e){return`status status-${(e??`none`).toLowerCase().replaceAll(`_`,`-`)}`}function dt(e,t){let n=new Set((e??``).split(`,`).map(e=>e.trim().toUpperCase()));return t.filter(e=>n.has(e))}function ft(e){let t=new URLSearchParams(e),n=t.get(`asOf`);return{relationship:t.get(`relationship`)||`india-china`,group:t.get(`group`)===`category`?`category`:`status`,statuses:dt(t.get(`status`),ot),categories:dt(t.get(`category`),st),raisedBy:(t.get(`raisedBy`)??``).toUpperCase().slice(0,2),search:(t.get(`q`)??``).slice(0,200),asOf:ze(n)?n:null,issue:t.get(`issue`)}}function pt(e){let t=new URLSearchParams;e.relationship!==`india-china`&&t.set(`relationship`,e.relationship),e.group!==`status`&&t.set(`group`,e.group),e.statuses.length&&t.set(`status`,e.statuses.join(`,`)),e.categories.length&&t.set(`category`,e.categories.join(`,`)),e.raisedBy&&t.set(`raisedBy`,e.raisedBy),e.search&&t.set(`q`,e.search),e.asOf&&t.set(`asOf`,e.asOf),e.issue&&t.set(`issue`,e.issue);let n=t.toString().replaceAll(`%2C`,`,`);return n?`/?${n}`:`/`}function mt(e,t){return pt({...e,issue:t})}var ht=Symbol.for(`pv`),gt=0;Array.isArray;function $(e,n,r,i,a,o){n||={};var s,c,l=n;if(`ref`in l&&typeof e!=`function`)for(c in l={},n)c==`ref`?s=n[c]:l[c]=n[c];var u={type:e,props:l,key:r,ref:s,__k:null,__:null,__b:0,__e:null,__c:null,constructor:ht,__v:--gt,__i:-1,__u:0};return(a||o)&&(u.__source=a,u.__self=o),t.vnode&&t.vnode(u),u}function _t(e,t){return e.includes(t)?e.filter(e=>e!==t):[...e,t]}function vt(e){return window.matchMedia(`(min-width: 48rem)`).matches||e.statuses.length>0||e.categories.length>0}function yt({view:e,countries:t,onChange:n}){let r=e.statuses.length>0||e.categories.length>0||e.raisedBy!==``||e.search!==``;return $(`form`,{class:`controls`,role:`search`,onSubmit:e=>e.preventDefault(),children:[$(`div`,{class:`control-row`,children:[$(`label`,{class:`search`,children:[$(`span`,{class:`visually-hidden`,children:`Search issues`}),$(`input`,{type:`search`,placeholder:`Search titles and summaries`,value:e.search,maxLength:200,onInput:e=>n({search:e.target.value})})]}),$(`label`,{class:`select`,children:[$(`span`,{children:`Raised by`}),$(`select`,{value:e.raisedBy,onChange:e=>n({raisedBy:e.target.value}),children:[$(`option`,{value:``,children:`Either side`}),t.map(e=>$(`option`,{value:e,children:ut(e)},e))]})]}),$(`label`,{class:`select`,children:[$(`span`,{children:`Group by`}),$(`select`,{value:e.group,onChange:e=>n({group:e.target.value}),children:[$(`option`,{value:`status`,children:`Status`}),$(`option`,{value:`category`,children:`Category`})]})]}),$(`button`,{type:`button`,class:`button-quiet`,disabled:!r,onClick:()=>n({statuses:[],categories:[],raisedBy:``,search:``}),children:`Clear filters`})]}),$(`details`,{class:`more-filters`,open:vt(e),children:[$(`summary`,{children:[`Status and category`,e.statuses.length+e.categories.length>0?` (${e.statuses.length+e.categories.length} chosen)`:``]}),$(bt,{legend:`Status`,values:ot,labels:Z,chosen:e.statuses,onToggle:t=>n({statuses:_t(e.statuses,t)})}),$(bt,{legend:`Category`,values:st,labels:ct,chosen:e.categories,onToggle:t=>n({categories:_t(e.categories,t)})})]})]})}function bt({legend:e,values:t,labels:n,chosen:r,onToggle:i}){return $(`fieldset`,{class:`chips`,children:[$(`legend`,{children:e}),t.map(e=>$(`label`,{class:`chip`,children:[$(`input`,{type:`checkbox`,checked:r.includes(e),onChange:()=>i(e)}),$(`span`,{children:n[e]})]},e))]})}function xt({source:e}){if(!e)return $(`span`,{class:`muted`,children:`No source given`});let t=St(e.url);return $(`a`,{class:`source`,href:e.url,rel:`noopener noreferrer`,target:`_blank`,title:e.title??void 0,children:[e.publisher||t,$(`span`,{class:`visually-hidden`,children:` (source, opens in a new tab)`})]})}function St(e){try{return new URL(e).host.replace(/^www\./,``)}catch{return e}}function Ct({status:e}){return $(`span`,{class:Q(e),children:[$(`span`,{class:`status-dot`,"aria-hidden":`true`}),e?Z[e]:`No update yet`]})}function wt(e,t){return t?e.statusAsOf:e.status}function Tt({card:e,href:t,day:n,timeTravel:r,fresh:i,onOpen:a}){let o=wt(e,r),s=e.latestUpdate,c=s&&s.occurredOn.date<=n?s:null,l=e.statusSpans?.at(-1);return $(`article`,{class:`card${i?` card-fresh`:``}`,"data-slug":e.slug,"data-status":o??``,children:[$(`header`,{class:`card-head`,children:[$(Ct,{status:o}),$(`span`,{class:`card-category`,children:ct[e.category]})]}),$(`h3`,{class:`card-title`,children:$(`a`,{href:t,class:`card-link`,onClick:t=>{t.metaKey||t.ctrlKey||t.shiftKey||t.button!==0||(t.preventDefault(),a(e.slug))},children:e.title})}),$(`p`,{class:`card-meta`,children:l&&l.status===o?$(b,{children:[`At this status for `,$(`strong`,{children:He(l.days)}),$(`span`,{class:`visually-hidden`,children:[`, since `,K(l.from)]})]}):$(b,{children:[`Raised by `,e.raisedBy.map(ut).join(` and `)||`—`]})}),c?$(`div`,{class:`card-update`,children:[$(`p`,{class:`card-note`,children:c.note}),$(`p`,{class:`card-source`,children:[$(`time`,{dateTime:c.occurredOn.date,children:q(c.occurredOn.text)}),` · `,$(xt,{source:c.source})]})]}):$(`div`,{class:`card-update`,children:$(`p`,{class:`card-note muted`,children:r?`Its last update by this day is older than the board shows.`:`No update yet.`})})]})}function Et(e,t,n){return t===`category`?st.map(t=>({key:t,title:ct[t],cards:e.filter(e=>e.category===t)})).filter(e=>e.cards.length>0):ot.map(t=>({key:t,title:Z[t],status:t,cards:e.filter(e=>wt(e,n)===t)})).filter(e=>e.cards.length>0)}function Dt({cards:e,group:t,day:n,timeTravel:r,fresh:i,hrefOf:a,onOpen:o}){let s=Et(e,t,r);return s.length===0?$(`p`,{class:`empty`,children:[`No issue matches these filters`,r?` on this day`:``,`.`]}):$(b,{children:s.map(e=>$(`section`,{class:`group`,"aria-labelledby":`group-${e.key}`,children:[$(`h2`,{id:`group-${e.key}`,class:`group-title`,children:[e.status?$(`span`,{class:Q(e.status),"aria-hidden":`true`,children:$(`span`,{class:`status-dot`})}):null,e.title,` `,$(`span`,{class:`group-count`,children:e.cards.length})]}),$(`div`,{class:`cards`,children:e.cards.map(e=>$(Tt,{card:e,href:a(e.slug),day:n,timeTravel:r,fresh:i.has(e.id),onOpen:o},e.id))})]},e.key))})}var Ot={connecting:`Connecting…`,live:`Live`,reconnecting:`Reconnecting…`};function kt({state:e}){return $(`span`,{class:`live live-${e}`,role:`status`,"data-live":e,children:[$(`span`,{class:`live-dot`,"aria-hidden":`true`}),Ot[e]]})}function At(){return $(`section`,{class:`group`,"aria-label":`Loading the issues`,children:[$(`h2`,{class:`group-title placeholder-text`,children:`Loading…`}),$(`div`,{class:`cards`,children:Array.from({length:6},(e,t)=>$(`div`,{class:`card card-placeholder`,"aria-hidden":`true`},t))})]})}function jt({live:e,relationship:t,name:n,children:r}){return $(b,{children:[$(`a`,{class:`skip-link`,href:`#board`,children:`Skip to the issues`}),$(`header`,{class:`site-head`,children:[$(`div`,{class:`site-title`,children:[$(`h1`,{children:[n??`India–China`,` tracker`]}),$(`p`,{class:`tagline`,children:`Where each open question between the two countries stands, with its dated, sourced history.`})]}),$(`nav`,{class:`site-nav`,"aria-label":`Elsewhere`,children:[$(`a`,{href:`/feeds/${t}.atom`,class:`feed-link`,children:`Atom feed`}),$(`a`,{href:`/graphql`,children:`GraphQL playground`}),e?$(kt,{state:e}):null]})]}),$(`main`,{id:`board`,children:r}),$(`footer`,{class:`site-foot`,children:$(`p`,{children:[`Every update cites its source. Data and API: `,$(`a`,{href:`/graphql`,children:`GraphQL`}),` · feeds:`,` `,$(`a`,{href:`/feeds/${t}.atom`,children:`Atom`}),`.`]})})]})}function Mt({counts:e}){let t=new Map((e??[]).map(e=>[e.status,e.count]));return $(`ul`,{class:`counts`,"aria-label":`Issues by status`,children:ot.map(n=>$(`li`,{class:`count`,children:[$(`span`,{class:Q(n),children:[$(`span`,{class:`status-dot`,"aria-hidden":`true`}),Z[n]]}),$(`strong`,{class:`count-number`,children:e?t.get(n)??0:`–`})]},n))})}function Nt({first:e,last:t,asOf:n,onChange:r}){let i=W(e),a=W(t),o=n?Math.min(Math.max(W(n),i),a):a,s=n??t,c=n?`As of ${K(s)}`:`Today, ${K(t)}`,l=e=>r(e>=a?null:Re(e));return $(`div`,{class:`time-travel${n?` time-travel-on`:``}`,children:[$(`label`,{for:`as-of`,class:`time-label`,children:$(`span`,{class:`as-of-label`,"aria-live":`polite`,children:c})}),$(`div`,{class:`time-row`,children:[$(`span`,{class:`time-end`,"aria-hidden":`true`,children:e.slice(0,4)}),$(`input`,{id:`as-of`,class:`time-slider`,type:`range`,min:i,max:a,step:1,value:o,"aria-valuetext":n?K(s):`today`,onInput:e=>l(Number(e.target.value))}),$(`span`,{class:`time-end`,"aria-hidden":`true`,children:`now`})]}),$(`div`,{class:`time-actions`,children:[$(`input`,{type:`date`,"aria-label":`Go to a day`,min:e,max:t,value:s,onChange:e=>{let t=e.target.value;t&&l(W(t))}}),$(`button`,{type:`button`,class:`button-quiet`,disabled:!n,onClick:()=>r(null),children:`Back to today`})]})]})}var Pt=1e3;function Ft({spans:e,updates:t,meetings:n,end:r}){if(e.length===0)return $(`p`,{class:`muted`,children:`No status yet.`});let i=W(e[0].from),a=Math.max(W(r),i+1),o=e=>(W(e)-i)/(a-i)*Pt,s=Lt(i,a),c=e.map(e=>`${Z[e.status]} from ${K(e.from)} for ${He(e.days)}`).join(`; `);return $(`figure`,{class:`span-bar`,children:[$(`svg`,{viewBox:`0 0 ${Pt} 64`,preserveAspectRatio:`none`,role:`img`,"aria-label":c,children:[e.map(e=>$(`rect`,{class:`band ${Q(e.status)}`,x:o(e.from),y:16,width:Math.max(o(e.until??r)-o(e.from),2),height:28,children:$(`title`,{children:[Z[e.status],`: `,K(e.from),` –`,` `,e.until?K(e.until):`now`,` (`,He(e.days),`)`]})},e.from)),t.map((e,t)=>$(`rect`,{class:`tick`,x:o(e.day)-1,y:4,width:2,height:10,children:$(`title`,{children:`${q(e.label)}: ${Z[e.status]}`})},`u${t}`)),n.map((e,t)=>$(`rect`,{class:`meeting-mark`,x:o(e.day)-3,y:50,width:6,height:10,children:$(`title`,{children:`Meeting, ${q(e.label)}`})},`m${t}`))]}),$(`div`,{class:`span-axis`,"aria-hidden":`true`,children:s.map(e=>$(`span`,{style:{left:`${o(`${e}-01-01`)/Pt*100}%`},children:e},e))}),$(`figcaption`,{class:`span-legend`,children:[e.map(e=>$(`span`,{class:`legend-item`,children:[$(`span`,{class:Q(e.status),children:[$(`span`,{class:`status-dot`,"aria-hidden":`true`}),Z[e.status]]}),` `,It(e.from),`–`,e.until?It(e.until):`now`,` · `,He(e.days)]},e.from)),$(`span`,{class:`legend-item muted`,children:`Ticks above the bar: updates; below it: meetings.`})]})]})}function It(e){return e.slice(0,7)}function Lt(e,t){let n=Number(Re(e).slice(0,4))+1,r=Number(Re(t).slice(0,4)),i=Array.from({length:Math.max(r-n+1,0)},(e,t)=>n+t),a=Math.ceil(i.length/8)||1;return i.filter((e,t)=>t%a===0)}function Rt({relationship:e,slug:t,asOf:n,revision:r,onClose:i}){let a=be(null),[o,s]=B(void 0),[c,l]=B([]),[u,d]=B(null);return V(()=>{let e=a.current;e&&!e.open&&e.showModal()},[]),V(()=>{let r=!1;return Ie(Ge,{relationship:e,slug:t,asOf:n}).then(e=>{r||(s(e.relationship?.issue??null),l(e.relationship?.countries??[]))}).catch(e=>{r||d(e.message)}),()=>{r=!0}},[e,t,n,r]),$(`dialog`,{ref:a,class:`timeline`,"aria-labelledby":`timeline-title`,onClose:i,onClick:e=>{e.target===a.current&&a.current?.close()},children:$(`div`,{class:`timeline-inner`,children:[$(`header`,{class:`timeline-head`,children:[$(`h2`,{id:`timeline-title`,children:o?.title??(o===null?`No such issue`:`Loading…`)}),$(`button`,{type:`button`,class:`button-quiet close`,onClick:()=>a.current?.close(),children:[`Close`,$(`span`,{class:`visually-hidden`,children:` the timeline`})]})]}),u?$(`p`,{class:`error`,role:`alert`,children:u}):null,o?$(zt,{issue:o,countries:c,asOf:n,relationship:e}):null]})})}function zt({issue:e,countries:t,asOf:n,relationship:r}){let i=n??G(),a=e.updates.nodes,o=a.filter(e=>!e.retractedAt&&e.occurredOn.date<=i),s=e.statusSpans,c=e.meetings.nodes;return $(b,{children:[$(`p`,{class:`timeline-meta`,children:[$(Ct,{status:e.status}),` `,$(`span`,{children:ct[e.category]}),$(`span`,{children:[`Raised by `,e.raisedBy.map(ut).join(` and `)||`—`]}),$(`a`,{href:`/feeds/${r}/${e.slug}.atom`,class:`feed-link`,children:[`Atom feed`,$(`span`,{class:`visually-hidden`,children:` of this issue`})]})]}),e.summary?$(`p`,{class:`timeline-summary`,children:e.summary}):null,$(Ft,{spans:s,end:i,updates:o.map(e=>({day:e.occurredOn.date,label:e.occurredOn.text,status:e.status})),meetings:c.filter(e=>e.heldOn.date<=i).map(e=>({day:e.heldOn.date,label:e.heldOn.text}))}),n?$(`p`,{class:`notice`,children:[`Drawn as of `,K(n),`; the lists below hold everything.`]}):null,$(`div`,{class:`timeline-columns`,children:[$(`section`,{"aria-labelledby":`updates-title`,children:[$(`h3`,{id:`updates-title`,children:`Updates`}),$(`ol`,{class:`updates`,reversed:!0,children:[...a].reverse().map(e=>$(Bt,{update:e},e.id))})]}),$(`div`,{children:[$(Vt,{countries:t,positions:e.positions.nodes}),$(`section`,{"aria-labelledby":`meetings-title`,children:[$(`h3`,{id:`meetings-title`,children:`Meetings that discussed it`}),c.length===0?$(`p`,{class:`muted`,children:`None recorded.`}):null,$(`ul`,{class:`meetings`,children:[...c].reverse().map(e=>$(`li`,{children:[$(`time`,{dateTime:e.heldOn.date,children:q(e.heldOn.text)}),$(`strong`,{children:e.title}),e.location?$(`span`,{class:`muted`,children:[` · `,e.location]}):null,e.summary?$(`p`,{children:e.summary}):null,e.source?$(xt,{source:e.source}):null]},e.id))})]})]})]})]})}function Bt({update:e}){let t=!!e.retractedAt;return $(`li`,{class:`update${t?` update-retracted`:``}`,"data-update":e.id,children:[$(`p`,{class:`update-head`,children:[$(`time`,{dateTime:e.occurredOn.date,children:q(e.occurredOn.text)}),$(`span`,{children:[e.previousStatus&&e.previousStatus!==e.status?`${Z[e.previousStatus]} → `:``,$(`strong`,{children:Z[e.status]})]}),$(`span`,{class:e.verified?`badge badge-verified`:`badge badge-unverified`,children:e.verified?`Verified`:`Unverified`})]}),$(`p`,{class:`update-note`,children:e.note}),$(`p`,{class:`update-source`,children:[$(xt,{source:e.source}),$(`span`,{class:`muted`,children:[` · recorded by `,e.recordedBy]})]}),t?$(`p`,{class:`retraction`,children:[`Retracted`,e.retractionReason?`: ${e.retractionReason}`:``]}):null]})}function Vt({countries:e,positions:t}){return $(`section`,{"aria-labelledby":`positions-title`,children:[$(`h3`,{id:`positions-title`,children:`Stated positions`}),t.length===0?$(`p`,{class:`muted`,children:`None recorded for this issue yet.`}):null,$(`div`,{class:`sides`,children:e.map(e=>{let n=t.filter(t=>t.country===e).reverse();return n.length===0?null:$(`div`,{class:`side`,children:[$(`h4`,{children:ut(e)}),$(`ul`,{class:`positions`,children:n.map(e=>$(Ht,{position:e},e.id))})]},e)})})]})}function Ht({position:e}){let t=!!e.retractedAt;return $(`li`,{class:`position${t?` update-retracted`:``}`,"data-position":e.id,children:[$(`time`,{dateTime:e.statedOn.date,children:q(e.statedOn.text)}),$(`p`,{class:`update-note`,children:[$(`strong`,{children:e.speaker}),`: `,e.statement]}),e.quote?$(`blockquote`,{children:[`“`,e.quote,`”`]}):null,$(`p`,{class:`update-source`,children:[$(xt,{source:e.source}),` `,$(`span`,{class:e.verified?`badge badge-verified`:`badge badge-unverified`,children:e.verified?`Verified`:`Unverified`})]}),t?$(`p`,{class:`retraction`,children:[`Retracted`,e.retractionReason?`: ${e.retractionReason}`:``]}):null]})}function Ut({message:e,onToken:t}){let[n,r]=B(``);return $(`form`,{class:`token-form`,onSubmit:e=>{e.preventDefault(),n.trim()&&t(n.trim())},children:[$(`h2`,{children:`This tracker needs a token to read`}),$(`p`,{children:`Paste an API token (any role). It stays in this browser tab only and is forgotten when the tab closes.`}),e?$(`p`,{class:`error`,role:`alert`,children:e}):null,$(`label`,{children:[$(`span`,{children:`API token`}),$(`input`,{type:`password`,autoComplete:`off`,value:n,onInput:e=>r(e.target.value)})]}),$(`button`,{type:`submit`,class:`button`,children:`Show the board`})]})}var Wt=150,Gt=300,Kt=6e3;function qt(e,t){if(document.querySelector(`link[data-issue-feed]`)?.remove(),!t)return;let n=document.createElement(`link`);n.rel=`alternate`,n.type=`application/atom+xml`,n.title=`Status updates and positions: ${t}`,n.href=`/feeds/${e}/${t}.atom`,n.dataset.issueFeed=``,document.head.append(n)}function Jt({publicRead:e}){let[t,n]=B(()=>ft(window.location.search)),[r,i]=B(null),[a,o]=B(!0),[s,c]=B(null),[l,u]=B(!e&&!U.get()&&null),[d,f]=B(0),[p,m]=B(`connecting`),[h,g]=B(new Set),[_,v]=B(0),[y,b]=B(0),x=be(t);x.current=t;let S=Se((e,t=!1)=>{n(n=>{let r={...n,...e},i=pt(r);return t?window.history.pushState(null,``,i):window.history.replaceState(null,``,i),r})},[]);V(()=>{let e=()=>n(ft(window.location.search));return window.addEventListener(`popstate`,e),()=>window.removeEventListener(`popstate`,e)},[]);let C=Se(e=>{U.clear(),u(e)},[]);V(()=>{if(l!==!1)return;let e=!1;o(!0);let t=window.setTimeout(()=>{Ye(x.current,()=>e).then(t=>{e||(i(t),c(null),o(!1))}).catch(t=>{e||(t instanceof Ne?C(t.message):c(t.message),o(!1))})},_===0&&r===null?0:Wt);return()=>{window.clearTimeout(t),e=!0}},[JSON.stringify([t.relationship,t.statuses,t.categories,t.raisedBy,t.search,t.asOf]),_,d,l]);let w=r?.relationship?.name;V(()=>{document.title=w?`${w} issues · bilateral`:`bilateral`},[w]),V(()=>qt(t.relationship,t.issue),[t.relationship,t.issue]);let T=r!==null,E=be(null);r&&E.current===null&&(E.current={update:r.newestUpdate,position:r.newestPosition}),V(()=>{if(!T||l!==!1)return;let e=null,t=t=>{g(e=>new Set([...e,t])),window.setTimeout(()=>{g(e=>new Set([...e].filter(e=>e!==t)))},Kt),e!==null&&window.clearTimeout(e),e=window.setTimeout(()=>v(e=>e+1),Gt)},n={relationship:()=>x.current.relationship,loadedAt:Me(),onUpdate:(e,n)=>{if(x.current.asOf){n&&b(e=>e+1);return}let r=e.issue;i(e=>e&&{...e,cards:e.cards.map(e=>e.id===r.id?{...e,...r}:e)}),n&&t(r.id)},onPosition:e=>{x.current.asOf?b(e=>e+1):t(e.issue.id)}},r=E.current,a=new tt([it(r?.update??null,n),at(r?.position??null,n)],{token:()=>U.get(),onState:m,onResync:()=>v(e=>e+1),onTokenRefused:()=>C(`The token was refused; paste another.`)});return a.start(),()=>{e!==null&&window.clearTimeout(e),a.stop()}},[T,t.relationship,d,l]);let ee=t.asOf??G(),D=Se(e=>mt(t,e),[t]),O=xe(()=>r?.relationship?.countries??[],[r]);return l===!1?$(jt,{live:p,relationship:t.relationship,name:w,children:[$(`div`,{class:`toolbar`,children:[$(yt,{view:t,countries:O,onChange:e=>S(e)}),$(Nt,{first:r?.firstDay??`2020-01-01`,last:G(),asOf:t.asOf,onChange:e=>{b(0),S({asOf:e})}})]}),t.asOf&&y>0?$(`p`,{class:`notice`,role:`status`,children:[y,` new update`,y===1?``:`s`,` since you went back in time.`,` `,$(`button`,{type:`button`,class:`button-link`,onClick:()=>S({asOf:null}),children:`Back to today`})]}):null,$(Mt,{counts:r?.counts??null}),s?$(`p`,{class:`error`,role:`alert`,children:[`The board could not be loaded: `,s]}):null,$(`div`,{class:`board${a?` board-loading`:``}`,"aria-busy":a,"aria-live":`polite`,children:r?$(Dt,{cards:r.cards,group:t.group,day:ee,timeTravel:t.asOf!==null,fresh:h,hrefOf:D,onOpen:e=>S({issue:e},!0)}):$(At,{})}),t.issue?$(Rt,{relationship:t.relationship,slug:t.issue,asOf:t.asOf,revision:_,onClose:()=>S({issue:null},!0)},t.issue):null]}):$(jt,{live:null,relationship:t.relationship,name:w,children:$(Ut,{message:l,onToken:e=>{U.set(e),u(!1),f(e=>e+1)}})})}function Yt(){return document.querySelector(`meta[name="bilateral:public-read"]`)?.content!==`false`}var Xt=document.getElementById(`app`);Xt!==null&&(Xt.replaceChildren(),F($(Jt,{publicRead:Yt()}),Xt));