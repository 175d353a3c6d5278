import { keepYoungGenerationSmall } from '../server/young-generation';

// Before anything else loads (see young-generation.ts).
keepYoungGenerationSmall();
void import('./run');
