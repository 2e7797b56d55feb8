package lsa

// englishStop lists English function words: articles, pronouns,
// auxiliaries, prepositions, conjunctions, common adverbs and quantifiers.
// Content words (including "men", "women", "war", "peace", the original's
// default Bourdieu axes) are never in it.
const englishStop = `
a about above across after afterwards again against all almost alone along already also although always am among amongst an and another any anyhow anyone anything anyway anywhere are aren around as at
be became because become becomes becoming been before beforehand behind being below beside besides between beyond both but by
can cannot could couldn did didn do does doesn doing don done down during
each eg either else elsewhere enough etc even ever every everyone everything everywhere except
few for former formerly from further furthermore
had hadn has hasn have haven having he hence her here hereafter hereby herein hers herself him himself his how however
ie if in indeed instead into is isn it its itself
just last latter latterly least less ll may me meanwhile might mine more moreover most mostly much must my myself
namely neither never nevertheless next no nobody none noone nor not nothing now nowhere
of off often on once one only onto or other others otherwise our ours ourselves out over own
per perhaps please quite rather re same shall shan she should shouldn since so some somehow someone something sometime sometimes somewhere still such
than that the their theirs them themselves then thence there thereafter thereby therefore therein thereupon these they this those though through throughout thru thus to together too toward towards
under until up upon us very via
was wasn we well were weren what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom whose why will with within without won would wouldn
yet you your yours yourself yourselves
`

// frenchStop lists French function words, with and without elision.
const frenchStop = `
a à afin ai aie aient aies ait alors as au aucun aucune auquel aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aussi autre autres aux auxquelles auxquels avaient avais avait avant avec avez aviez avions avoir avons ayant ayez ayons
bon c ça car ce ceci cela celle celles celui cependant certain certaine certaines certains ces cet cette ceux chacun chacune chaque chez ci comme comment d dans de des desquelles desquels dessous dessus doit donc dont du duquel durant
elle elles en encore entre es est et étaient étais était étant été êtes étiez étions être eu eue eues eûmes eurent eus eusse eussent eusses eussiez eussions eut eût eûtes eux
fûmes furent fus fusse fussent fusses fussiez fussions fut fût fûtes
hors ici il ils j je jusqu jusque l la là laquelle le lequel les lesquelles lesquels leur leurs lors lorsque lui m ma mais me même mêmes mes moi moins mon n ne ni nos notre nôtre nous
on ont ou où par parce pas pendant peu peut plus plusieurs pour pourquoi puis qu quand que quel quelle quelles quels qui quoi
s sa sans se sera serai seraient serais serait seras serez seriez serions serons seront ses si sien sienne soi soient sois soit sommes son sont sous soyez soyons suis sur
t ta tandis te tes toi ton tous tout toute toutes très tu un une unes uns vers via vos votre vôtre vous y
`
