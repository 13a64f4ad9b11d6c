/** Phone numbers written the national way for coordinators ("06 12 34 56 78"), foreign ones internationally. */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export function displayPhone(raw: string, country: string): string {
  const parsed = parsePhoneNumberFromString(raw, country as CountryCode);
  if (!parsed || !parsed.isPossible()) return raw;
  return parsed.country === country ? parsed.formatNational() : parsed.formatInternational();
}
