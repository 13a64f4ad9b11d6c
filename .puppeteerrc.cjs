// whatsapp-web.js brings puppeteer: never download a browser at install time; Debian's Chromium is used.
module.exports = { skipDownload: true };
