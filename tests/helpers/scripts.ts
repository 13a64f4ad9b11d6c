/** Complete conversations for a new contact on Sunday 22 November 2026 (Paris). */
export const FR_NORMAL = [
  'bonjour', 'oui', '1', 'Jeanne', '1947', '31000', 'ok', '22/11/2026', 'dimanche', 'non', '2', 'non', 'non', '65',
  'non', 'non', 'non', 'non', 'la fleur, la porte et le riz',
];

/**
 * Flags vision (V1 yes) and mobility (could not rise), in relative mode with the whisper test: Arthur
 * agrees, and his own number is given for the callback (CALLBACK_PHONE=ask).
 */
export const EN_FLAGGED = [
  'hello', 'yes', 'a relative', 'Arthur', 'yes', '1941', 'SW1A 1AA', 'ready', 'the 22nd of November 2026', 'Sunday', 'no',
  '4', 'no', 'no', 'skip', 'yes', 'no', '1', 'no', 'no', 'flower, door and rice', '1', '07700 900123', 'Dr Patel, Leeds',
];
