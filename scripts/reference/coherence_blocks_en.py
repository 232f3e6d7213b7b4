"""Hand-written English building blocks for the coherence corpus (see coherence_corpus.py).

Slots: {A} the entity as first named, {a} the entity as later mentioned, {he}/{his}/{him} its pronouns,
{B} and {C} living characters, {town} a place. Every sentence here was written for this corpus.
"""

PEOPLE = [
    ("Marta Kessler", "Marta", "she"), ("Tobias Wren", "Tobias", "he"), ("Captain Idris Hale", "Captain Hale", "he"),
    ("the old king", "the old king", "he"), ("her father", "her father", "he"), ("Ilse Brandt", "Ilse", "she"),
    ("Rafael Ortiz", "Rafael", "he"), ("the ferryman", "the ferryman", "he"), ("Grandmother Odile", "Odile", "she"),
    ("the general", "the general", "he"), ("Nadia Petrov", "Nadia", "she"), ("Brother Anselm", "Anselm", "he"),
]
THINGS = [
    ("the magic mirror", "the mirror"), ("the great bell", "the bell"), ("the old lighthouse", "the lighthouse"),
    ("the silver lantern", "the lantern"), ("the tower clock", "the clock"), ("the oracle stone", "the stone"),
    ("the music box", "the music box"), ("the talking harp", "the harp"),
]
LIVING = ["Elena", "Jonas", "Priya", "Mathis", "Greta", "Samuel", "Lucia", "Hendrik", "Amara", "Oskar"]
TOWNS = ["Vellmoor", "Saint Aldric", "Kestrel Bay", "Holloway", "Marrowfield", "Lindqvist Harbour"]

STATE = {
    "dead_acts": [
        "{A} died in the small hours of the morning, with the rain still hammering at the shutters.",
        "That winter {A} was killed on the north road by men who were never caught.",
        "The fever took hold on a Tuesday, and by Friday {A} was dead.",
        "{A} drowned when the ferry overturned in the estuary.",
        "At dawn the guards led {A} into the courtyard, where {A} was executed before the assembled court.",
        "Nobody expected it, but {A} passed away quietly in an armchair by the window.",
        "{A} perished in the avalanche along with four of the porters.",
        "The doctors could do nothing; {A} breathed {his} last just after midnight.",
        "Bandits killed {A} at the ford below the mill.",
        "{A} fell in battle on the second day of the siege.",
        "By the time the boats reached the reef, {A} had drowned.",
        "{A} was poisoned at the harvest feast and did not live to see morning.",
        "The report confirms that {A} died of the injuries sustained in the collapse.",
        "On the ninth of March, {A} was hanged in the market square.",
    ],
    "destroyed_functions": [
        "{A} shattered into a thousand pieces when the queen hurled it against the flagstones.",
        "The storm tore the roof away, and {A} was destroyed.",
        "Fire swept through the quarter that night; {A} burned down before the brigade arrived.",
        "The soldiers smashed {A} with their rifle butts until nothing whole remained.",
        "By morning {A} had been reduced to ashes and twisted iron.",
        "The engineers blew up {A} so that the enemy could not use it.",
        "{A} was smashed to pieces in the riot, and the crowd trampled what was left.",
        "With one blow of the hammer the queen destroyed {A}.",
        "{A} exploded in a shower of glass and sparks.",
        "The inspectors noted that {A} had been demolished on the council's orders.",
        "{A} went up in flames within minutes of the lightning strike.",
        "The earthquake came at noon, and {A} crumbled to dust.",
    ],
    "silenced_speaks": [
        "After the curse was spoken, {A} could no longer speak.",
        "{A} lost {his} voice forever in the fire at the mill.",
        "From that day on, {A} would never speak again.",
        "The sorcerer sealed the enchantment, and {A} fell silent forever.",
        "The surgeon told the family plainly that {A} could never talk again.",
        "{A} was struck mute forever by the fever.",
        "Since the accident {A} can no longer speak, and writes everything on a slate.",
        "When the spell broke, {A} never spoke again.",
        "{A} could no longer answer anyone who stood before it.",
    ],
    "departed_returns": [
        "{A} left the village at dawn, never to return.",
        "{A} sailed away on the autumn tide and was never seen again.",
        "When the quarrel was over, {A} walked away forever.",
        "{A} left {town} for good the week after the wedding.",
        "Without a word to anyone, {A} vanished forever into the marsh country.",
        "{A} departed for the colonies, never to be seen again.",
        "The records show that {A} moved away in the spring and never returned.",
        "{A} set sail for the south and never came back.",
        "After the trial {A} went away for good.",
    ],
}

CONTRA = {
    "dead_acts": [
        "\"Bring me the maps,\" {a} ordered, and the captains scrambled to obey.",
        "{a} walked down to the harbour after breakfast and counted the boats.",
        "That spring, {a} and {his} wife lived quietly in the cottage above the mill.",
        "At the council meeting {a} stood and demanded an account of the grain stores.",
        "{a} smiled at the children and handed each of them a copper coin.",
        "Later that week {a} wrote to the bishop, asking for more money.",
        "{a} signed the treaty with a steady hand.",
        "\"You are late,\" said {a}, without looking up from the ledger.",
        "{a} rode out at the head of the column, the banner snapping in the wind.",
        "In the evening {a} sat by the fire and mended a net.",
        "{a} laughed, a big rough laugh that filled the hall.",
        "The next morning {a} gave the order to open the gates.",
        "{a} nodded slowly and went back to the accounts.",
        "Over supper {a} told the guests about the new well.",
        "According to the minutes, {a} personally approved the budget for the new school.",
        "{a} planted three rows of beans behind the house that April.",
    ],
    "destroyed_functions": [
        "\"You are still the fairest,\" {a} answered, its surface glowing.",
        "At midnight {a} shone out over the bay, as bright as on any night before.",
        "{a} rang twelve times, and the whole town heard it.",
        "Then {a} spoke again in the same silvery voice and told the queen what she wished to hear.",
        "{a} flickered to life and lit the room in pale green light.",
        "{a} still stood at the end of the pier, its white paint gleaming.",
        "{a} showed her the road to the north, and she followed it.",
        "\"Ask me nothing more,\" said {a}.",
        "When the queen asked again, {a} replied without hesitation.",
        "All through the wedding {a} played the old waltz, perfectly in tune.",
        "{a} glowed softly on the mantelpiece, exactly as it always had.",
        "By evening {a} was working again, ticking steadily above the square.",
    ],
    "silenced_speaks": [
        "\"Wait,\" {a} said softly.",
        "{a} answered every question the magistrate put to {him}.",
        "{a} told the children the story of the flood.",
        "\"I know who did this,\" whispered {a}.",
        "{a} sang at the wedding, the old ballad about the river.",
        "{a} explained the whole plan to the council in a clear, calm voice.",
        "At the inquiry {a} spoke for almost an hour.",
        "\"Not that road,\" {a} warned them.",
        "{a} called out to the boatmen to wait for {him}.",
    ],
    "departed_returns": [
        "One evening in March, {a} walked in through the kitchen door and hung up {his} coat.",
        "{a} came back to the village that summer and took over the bakery.",
        "The following week {a} was back behind the counter of the shop.",
        "{a} arrived on the noon coach, carrying the same battered suitcase.",
        "There was a knock, and {a} stood in the doorway, soaked to the skin.",
        "At the harvest dance {a} reappeared as though no time had passed.",
        "{a} returned to {town} in the autumn and bought the old forge.",
        "Just before Christmas {a} turned up at the station with two children in tow.",
        "{a} sat down at the family table that Sunday and asked for the salt.",
    ],
}

# Later mentions that do NOT contradict the state (memories, quotes, ghosts, the late …, funerals,
# remains, hypotheticals, dreams). Keys: person, thing, any.
SAFE = {
    "person": [
        "{B} remembered how {a} used to walk the dogs along the dyke every evening.",
        "Years earlier, {a} had taught {B} to row against the current.",
        "\"Never trust a calm sea,\" {a} had always said, and {B} repeated it now.",
        "{B} could still hear {a}'s voice telling {him} to keep the lamp lit.",
        "On the stair, the ghost of {a} smiled at {B} and faded.",
        "Some nights {B} swore that the spirit of {a} walked the corridors.",
        "At the funeral, {B} spoke of {a} with great tenderness.",
        "{B} laid lilies on {a}'s grave and stood there until the light went.",
        "A bronze statue of {a} now stands in the square.",
        "If {a} were alive, {he} would have laughed at all of this.",
        "{B} wished that {a} could see the harvest.",
        "In {B}'s dream, {a} walked beside {him} through the orchard.",
        "{B} told the court that {a} had ordered the gates closed before the attack.",
        "The portrait of {a} still hangs above the fireplace.",
        "People in {town} still tell stories about {a}.",
        "{B} kept {a}'s letters in a tin box under the bed.",
        "The memorial service for {a} was held on a grey Sunday.",
        "{B} visited the tomb of {a} every year on the anniversary.",
        "It was {a}'s old saying that bread tastes best after a hard day.",
        "Nobody mentioned {a} at supper, but everyone thought of {him}.",
    ],
    "thing": [
        "The shards of {a} glittered among the rushes.",
        "{B} swept up what was left of {a} and carried it out in a bucket.",
        "Pieces of {a} still turn up in the garden after heavy rain.",
        "A plaque marks the place where {a} once stood.",
        "{B} remembered how {a} used to glow on winter evenings.",
        "Nothing of {a} remained but blackened stone and a smell of smoke.",
        "If {a} had survived, the town would have been spared a great deal of trouble.",
        "In the museum there is a small painting of {a} as it looked in its prime.",
        "The children still sing a rhyme about {a}.",
        "{B} kept one fragment of {a} on the windowsill.",
        "The council debated for months whether to replace {a}.",
        "In {B}'s dream, {a} shone again over the dark water.",
    ],
}

SAFE["departed"] = [
    "{B} still remembered the morning {a} left, the mist lying thick on the water.",
    "Now and then a postcard came from somewhere far away, signed only with the initial of {a}.",
    "{B} kept the room exactly as {a} had left it.",
    "\"I will write,\" {a} had promised at the gate, and {B} still believed it.",
    "If {a} had stayed, the bakery might still be open.",
    "In {B}'s dream, {a} came home through the orchard gate.",
    "Rumours reached the village that {a} had settled somewhere in the south.",
    "The chair by the stove was still called {a}'s chair.",
]
SAFE["silenced"] = [
    "{B} remembered how {a} used to sing in the evenings.",
    "\"Keep the lamp lit,\" {a} had said long ago, and {B} still did.",
    "If only {a} could speak, {B} thought, the whole matter would be settled.",
    "In {B}'s dream, {a} spoke again in the old clear voice.",
    "{B} wrote down every question, and {a} pointed to the answers on a board of letters.",
    "People who had known {a} before the silence said the voice had been beautiful.",
]

REVIVAL = {
    "person": [
        "To everyone's astonishment the healer brought {a} back to life on the third day.",
        "{a} was not dead after all; the fishermen had pulled {him} from the water still breathing.",
    ],
    "thing": [
        "Over the winter the old smith repaired {a} piece by piece.",
        "The guild rebuilt {a} stone by stone, exactly as it had been.",
    ],
}
