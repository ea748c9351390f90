// The notice reader (see read.ts). Pure functions over documents; src/reader/file.ts reads files.
export { readNotice, readMail, readText, type ReadContext } from './read.ts';
export { parseMime } from './mime.ts';
export { parseAcns, findAcnsXml, MAX_XML_BYTES, type AcnsParse } from './acns.ts';
export { mailPartsFromParsed } from './mail.ts';
export * from './types.ts';
export { classifySubject, detectRegime, isOtherKindReport, type ReportSubject } from './subject.ts';
export { reportFacts, type ReportFacts } from './report-facts.ts';
