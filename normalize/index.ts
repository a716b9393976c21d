// Normalize Lead as a library: the normalizers one by one, validation, account matching,
// duplicates and normalizeLead, which runs them all. The node and the `normalize` command call these.
export { normalizeLead, createNormalizer, flagDuplicate, Normalizer, ORIGINAL_KEY, CAMPAIGN_KEY, DUPLICATE_KEY, type Lead, type NormalizeOptions, type NormalizeResult, type Change } from './normalize';
export { normalizeCountry, normalizeRegion, isCountryCode, countryKey } from './country';
export { normalizePhone, isE164, PHONE_REGEX_CACHE, type CleanPhone, type PhoneOptions } from './phone';
export { normalizeEmail, isEmailAddress, type CleanEmail } from './email';
export { parseFormNumber, type NumberOptions, type RangePoint } from './numbers';
export { Picklist, readSynonyms, SynonymError, type SynonymMap } from './picklists';
export { BlankWords, BLANK_WORDS, DEFAULT_BLANK_WORDS } from './blank';
export { fieldsFromPolicy, resolveFields, CONVENTIONAL_FIELDS, FIELD_KINDS, type FieldKind, type FieldSpec, type FieldDeclaration } from './fields';
export { schemaFromFields, compileSchema, schemaProblems, SchemaError, type JsonSchema } from './schema';
export { AccountIndex, readAccounts, companyKey, DEFAULT_ACCOUNT_FIELDS, type Account, type AccountMatch, type AccountFieldPaths, type MatchMethod } from './accounts';
export { registrableDomain, hostOf, isFreeMailDomain } from './domain';
export { campaignContext } from './campaign';
export { checkDuplicate, recordAssignee, duplicateKey, DEFAULT_DUPLICATE_WINDOW_MS, type DuplicateOf, type DuplicateOptions, type DuplicateKey } from './duplicates';
export type { Cleaned, Problem } from './text';
