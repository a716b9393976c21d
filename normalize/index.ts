// Normalize Lead as a library: the normalizers one by one, validation, account matching,
// duplicates and normalizeLead, which runs them all. The node and the `normalize` command call these.
export { normalizeLead, createNormalizer, flagDuplicate, Normalizer, ORIGINAL_KEY, CAMPAIGN_KEY, DUPLICATE_KEY, type Lead, type NormalizeOptions, type NormalizeResult, type Change } from './normalize';
export { normalizeCountry, normalizeRegion, isCountryCode, countryKey } from '../fields/country';
export { normalizePhone, isE164, PHONE_REGEX_CACHE, type CleanPhone, type PhoneOptions } from '../fields/phone';
export { normalizeEmail, isEmailAddress, type CleanEmail } from '../fields/email';
export { parseFormNumber, type NumberOptions, type RangePoint } from '../fields/numbers';
export { Picklist, readSynonyms, SynonymError, type SynonymMap } from '../fields/picklists';
export { BlankWords, BLANK_WORDS, DEFAULT_BLANK_WORDS } from '../fields/blank';
export { fieldsFromPolicy, resolveFields, CONVENTIONAL_FIELDS, type FieldSpec, type FieldDeclaration } from './fields';
export { FIELD_KINDS, readValue, type FieldKind, type FieldReading } from '../fields/read';
export { schemaFromFields, compileSchema, schemaProblems, SchemaError, type JsonSchema } from './schema';
export { AccountIndex, readAccounts, companyKey, DEFAULT_ACCOUNT_FIELDS, type Account, type AccountMatch, type AccountFieldPaths, type MatchMethod } from './accounts';
export { registrableDomain, hostOf, isFreeMailDomain } from '../fields/domain';
export { campaignContext } from './campaign';
export { checkDuplicate, recordAssignee, duplicateKey, DEFAULT_DUPLICATE_WINDOW_MS, type DuplicateOf, type DuplicateOptions, type DuplicateKey } from './duplicates';
export type { Cleaned, Problem } from '../fields/text';
