/** Names from many cultures, as a reception desk in any city sees them, accents and all. */
// prettier-ignore
export const FIRST_NAMES = [
  'Ada', 'Aiko', 'Amara', 'Anders', 'Aroha', 'Björn', 'Carlos', 'Chen', 'Chloé', 'Dario', 'Deepa', 'Diego',
  'Elif', 'Emeka', 'Émile', 'Fatima', 'Freya', 'Giulia', 'Hamid', 'Hana', 'Ines', 'Ivan', 'Jamal', 'Jana',
  'Jia', 'John', 'Johanna', 'Kwame', 'Lars', 'Leila', 'Li', 'Lucía', 'Malik', 'Marta', 'Mary', 'Mateo',
  'Mei', 'Nadia', 'Niamh', 'Noah', 'Olga', 'Omar', 'Priya', 'Rafael', 'Rania', 'Ravi', 'Sakura', 'Samir',
  'Sipho', 'Siobhán', 'Sofia', 'Søren', 'Tariq', 'Thandiwe', 'Tomás', 'Yara', 'Yusuf', 'Zanele', 'Zoë',
] as const;

// prettier-ignore
export const LAST_NAMES = [
  'Abara', 'Åkesson', 'Alvarez', 'Andersson', 'Bianchi', 'Chen', 'Costa', 'Dubois', 'Dvořák', 'Evans',
  'Fernández', 'Fischer', 'García', 'Gupta', 'Haddad', 'Hansen', 'Ito', 'Jansen', 'Jones', 'Kim', 'Kowalski',
  'Lindqvist', 'Mbeki', 'Moreau', "O'Brien", 'Okafor', 'Okonkwo', 'Park', 'Patel', 'Petrov', 'Rossi', 'Sato',
  'Schmidt', 'Silva', 'Smith', 'Suzuki', 'Tanaka', 'Van der Berg', 'Wang', 'Williams', 'Yılmaz', 'Zhang',
] as const;

// prettier-ignore
export const PURPOSES = [
  'Meeting', 'Meeting', 'Meeting', 'Interview', 'Delivery', 'Delivery', 'Maintenance', 'Contractor',
  'Visitor', 'Training', 'Audit', 'IT support', 'Cleaning', 'Catering', 'Job interview', 'Site tour',
] as const;

// prettier-ignore
export const VISITEES = [
  'Alice Morgan', 'Bilal Rahman', 'Carmen Ortiz', 'David Okoye', 'Eva Novak', 'Farah Siddiqui',
  'George Papadopoulos', 'Hiroshi Yamamoto', 'Isabel Costa', 'Jonas Weber', 'Kavya Iyer', 'Liam Byrne',
] as const;
